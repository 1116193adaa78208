import Synchronization

/// Faults a test can switch on while KubeSim runs, from Swift or over `POST /_sim/faults`.
///
/// Thread-safe: each setting is read by request handling on every request and may be changed
/// at any time from any task. `dropAllWatches()` and `compactHistory()` act once, at the call.
public final class Faults: Sendable {
    private struct Settings: Sendable {
        var watchEventDelay: Duration = .zero
        var refuseWatches = false
        var isDown = false
        var listDelay: Duration = .zero
    }

    private let settings = Mutex(Settings())
    private let store: ObjectStore
    /// Error answers, hung requests, broken streams and injected lines (`Misbehaviour`).
    public let misbehaviour = Misbehaviour()

    init(store: ObjectStore) {
        self.store = store
    }

    /// Every watch event is written this long after it happened (a lagging watch; order kept).
    public var watchEventDelay: Duration {
        get { settings.withLock { $0.watchEventDelay } }
        set { settings.withLock { $0.watchEventDelay = newValue } }
    }

    /// New watches are answered `503 ServiceUnavailable` instead of streaming.
    public var refuseWatches: Bool {
        get { settings.withLock { $0.refuseWatches } }
        set { settings.withLock { $0.refuseWatches = newValue } }
    }

    /// Every request except `/_sim/…` is answered `503 ServiceUnavailable`.
    public var isDown: Bool {
        get { settings.withLock { $0.isDown } }
        set { settings.withLock { $0.isDown = newValue } }
    }

    /// Every LIST (and GET) waits this long before answering.
    public var listDelay: Duration {
        get { settings.withLock { $0.listDelay } }
        set { settings.withLock { $0.listDelay = newValue } }
    }

    /// Ends every open watch stream now (clients see the connection close).
    public func dropAllWatches() {
        store.dropAllWatches()
    }

    /// Drops all event history: every watch or exact LIST from an older resourceVersion gets
    /// 410 Expired.
    public func compactHistory() {
        store.compactHistory()
    }

    /// Switches every fault off.
    public func reset() {
        settings.withLock { $0 = Settings() }
        misbehaviour.reset()
    }
}
