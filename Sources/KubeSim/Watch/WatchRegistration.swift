import KubeAPI

/// Where a new watch starts.
enum WatchStartPoint: Sendable {
    /// Synthetic ADDED for every current object, then changes (RV unset or "0", or
    /// `sendInitialEvents=true`, which also ends the initial events with a bookmark).
    case currentState(endBookmark: Bool)
    /// Changes after this resourceVersion, no synthetic events.
    case after(UInt64)
}

/// A registered watch: what to write before its live queue, or the 410 to answer.
struct WatchRegistration: Sendable {
    var watcher: Watcher
    /// Events to write first: the synthetic ADDEDs or the replayed history.
    var replay: [(WatchEventType, StoredObject)]
    /// The resourceVersion of the initial-events-end bookmark, when requested.
    var initialEventsEnd: UInt64?
}
