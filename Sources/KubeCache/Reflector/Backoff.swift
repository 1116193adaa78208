/// Exponential backoff with jitter, as client-go's reflector uses it: 800 ms doubling to at
/// most 30 s, each wait stretched by up to 100 % at random, and reset after 2 minutes without
/// an error.
///
/// A value type: `next(now:)` returns the next wait and records the failure.
public struct Backoff: Sendable {
    public var initial: Duration = .milliseconds(800)
    public var maximum: Duration = .seconds(30)
    public var resetAfter: Duration = .seconds(120)
    /// Fraction of the wait added at random (1.0: up to twice as long).
    public var jitter: Double = 1.0

    private var current: Duration?
    private var lastFailure: ContinuousClock.Instant?

    public init() {}

    /// The wait before the next attempt.
    public mutating func next(now: ContinuousClock.Instant, using random: inout some RandomNumberGenerator) -> Duration {
        if let lastFailure, now - lastFailure > resetAfter { current = nil }
        lastFailure = now
        let base = current.map { min($0 * 2, maximum) } ?? initial
        current = base
        return base * (1 + Double.random(in: 0...jitter, using: &random))
    }

    /// Forgets earlier failures.
    public mutating func reset() {
        current = nil
        lastFailure = nil
    }
}
