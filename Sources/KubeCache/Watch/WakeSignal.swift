import Synchronization

/// How the cache tells a watcher's writer that it has something to write.
///
/// The writer may attach its handler after the watch was created (the router creates the
/// watcher, the connection attaches itself later); a signal fired before that is remembered
/// and delivered when the handler is set, so no wakeup is ever lost.
final class WakeSignal: Sendable {
    private struct State {
        var handler: (@Sendable () -> Void)?
        var isPending = false
    }

    private let state: Mutex<State>

    init(_ handler: (@Sendable () -> Void)? = nil) {
        state = Mutex(State(handler: handler))
    }

    func fire() {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            if state.handler == nil { state.isPending = true }
            return state.handler
        }
        handler?()
    }

    func setHandler(_ handler: @escaping @Sendable () -> Void) {
        let wasPending = state.withLock { state -> Bool in
            state.handler = handler
            defer { state.isPending = false }
            return state.isPending
        }
        if wasPending { handler() }
    }
}
