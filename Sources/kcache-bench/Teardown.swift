import Synchronization

/// What a scenario must undo, in reverse order of setting it up, whether it finishes or
/// throws: stop kcache and nginx, shut KubeSim down, close connections.
///
/// Thread-safe; the actions are guarded by the mutex and run once.
final class Teardown: Sendable {
    private let actions = Mutex<[@Sendable () async -> Void]>([])

    func add(_ action: @escaping @Sendable () async -> Void) {
        actions.withLock { $0.append(action) }
    }

    /// Runs every action, last added first.
    func run() async {
        let pending = actions.withLock { actions in
            defer { actions = [] }
            return actions
        }
        for action in pending.reversed() { await action() }
    }
}

/// Runs `body` with a `Teardown` that is run however `body` ends.
func withTeardown<T>(_ body: (Teardown) async throws -> T) async throws -> T {
    let teardown = Teardown()
    do {
        let result = try await body(teardown)
        await teardown.run()
        return result
    } catch {
        await teardown.run()
        throw error
    }
}
