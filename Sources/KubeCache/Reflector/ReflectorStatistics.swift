import KubeAPI
import Synchronization

/// Counters of what a `Reflector` did: for metrics, `/readyz?verbose`, and tests that prove
/// what reached the upstream.
public final class ReflectorStatistics: Sendable {
    public struct Counters: Sendable, Hashable {
        public var lists = 0
        public var relists = 0
        public var watches = 0
        /// Object events received (`ADDED`, `MODIFIED`, `DELETED`), stale ones included.
        public var events = 0
        public var added = 0
        public var modified = 0
        public var deleted = 0
        public var bookmarks = 0
        public var staleEvents = 0
        public var malformedEvents = 0
        public var malformedObjects = 0
        public var errors = 0
    }

    private let state = Mutex(Counters())

    public var counters: Counters { state.withLock { $0 } }

    func record(_ counter: WritableKeyPath<Counters, Int>, by amount: Int = 1) {
        state.withLock { $0[keyPath: counter] += amount }
    }

    /// Counts one object event, in `events` and in its type's counter.
    func record(event type: WatchEventType) {
        state.withLock { counters in
            counters.events += 1
            switch type {
            case .added: counters.added += 1
            case .modified: counters.modified += 1
            case .deleted: counters.deleted += 1
            case .bookmark, .error: break
            }
        }
    }
}
