/// Waiting on conditions with a deadline, so tests never sleep to synchronise: `waitUntil`
/// polls a condition with short yields between polls and throws `WaitTimeout` naming what was
/// awaited when the deadline passes.
public struct WaitTimeout: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration
    public var description: String { "timed out after \(timeout) waiting for \(what)" }

    public init(what: String, timeout: Duration) {
        self.what = what
        self.timeout = timeout
    }
}

/// Polls `condition` until it holds or `timeout` passes.
public func waitUntil(
    timeout: Duration = .seconds(60), pollInterval: Duration = .milliseconds(5), _ what: String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        if clock.now >= deadline { throw WaitTimeout(what: what, timeout: timeout) }
        try await Task.sleep(for: pollInterval)
    }
}

/// Polls `value` until it returns non-nil or `timeout` passes; returns the value.
public func eventually<T>(
    timeout: Duration = .seconds(60), pollInterval: Duration = .milliseconds(5), _ what: String = "value",
    _ value: () async throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let result = try await value() { return result }
        if clock.now >= deadline { throw WaitTimeout(what: what, timeout: timeout) }
        try await Task.sleep(for: pollInterval)
    }
}
