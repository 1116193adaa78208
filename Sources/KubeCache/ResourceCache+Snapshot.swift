import KubeAPI

/// What a snapshot writer reads from a cache, in one consistent piece.
public struct CacheSnapshot: Sendable {
    public var store: Store
    /// The retained events, oldest first (the tail to save for watch resume).
    public var events: [WatchCacheEvent]
    /// Watches from RVs below this are Expired.
    public var oldestResumable: ResourceVersion
    public var readiness: CacheReadiness
}

extension ResourceCache {
    /// The store, the history and its bounds, taken together under the lock (O(history)).
    public func snapshot(historyLimit: Int = .max) -> CacheSnapshot {
        state.withLock { state in
            let count = min(historyLimit, state.history.events.count)
            let events = Array(state.history.events.suffix(count))
            // When only part of the history is kept, a resume is possible from just before it.
            let oldest = count < state.history.events.count
                ? max(state.history.oldestResumable, state.history.events[state.history.events.count - count - 1].resourceVersion)
                : state.history.oldestResumable
            return CacheSnapshot(store: state.store, events: events, oldestResumable: oldest, readiness: state.readiness)
        }
    }
}
