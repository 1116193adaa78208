import Synchronization

/// Bounds the number of watches served from the cache at once (`--max-watchers`): beyond
/// it, a new watch is answered `429 TooManyRequests` and the client retries later, so a
/// runaway client cannot exhaust the process.
///
/// A watch holds a `Permit` for as long as it lives; the permit returns itself when
/// released, whichever way the watch ends.
public final class WatchLimiter: Sendable {
    public let limit: Int
    private let open = Atomic<Int>(0)
    private let refusals = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// The number of watches holding a permit.
    public var openWatches: Int { open.load(ordering: .relaxed) }

    /// How many watches were refused.
    public var refused: Int { refusals.load(ordering: .relaxed) }

    /// A permit, or nil when `limit` watches are open.
    public func acquire() -> Permit? {
        // The count with this watch in it: at most `limit` may hold a permit.
        let (_, admitted) = open.wrappingAdd(1, ordering: .relaxed)
        guard admitted <= limit else {
            open.wrappingSubtract(1, ordering: .relaxed)
            refusals.wrappingAdd(1, ordering: .relaxed)
            return nil
        }
        return Permit(limiter: self)
    }

    /// One open watch's place; gives it back when released.
    public final class Permit: Sendable {
        private let limiter: WatchLimiter

        init(limiter: WatchLimiter) {
            self.limiter = limiter
        }

        deinit {
            limiter.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }
}
