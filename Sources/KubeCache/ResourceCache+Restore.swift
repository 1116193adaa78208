import Foundation
import KubeAPI

extension ResourceCache {
    /// Installs a store built from a snapshot, with the history tail saved beside it.
    ///
    /// The store is adopted as it is (O(1)), not rebuilt object by object: the snapshot loader
    /// builds it off the request path and keeps the same immutable value as the baseline of
    /// its next incremental save. `savedAt` is when the data last matched the upstream; until
    /// the watch resumes, readers see it in `restoredSavedAt` to judge how stale it is. The cache's RV becomes `store.resourceVersion`; reads may be
    /// served at once (`restored`) and the reflector then resumes the watch from that RV.
    /// Watches from RVs below `oldestResumable` are Expired.
    ///
    /// - Precondition: `store` holds objects of this cache's resource, built with an equal
    ///   `CachedResource` (their selectable field values follow `resource.fieldPaths`).
    public func restore(store: Store, history: [RestoredEvent], oldestResumable: ResourceVersion, savedAt: Date? = nil) {
        let now = configuration.now()
        state.withLock { state in
            state.store = store
            var restored = EventHistory(
                configuration: state.history.configuration, startingAt: min(oldestResumable, store.resourceVersion))
            for event in history {
                _ = restored.append(
                    event.type, object: event.object, previous: event.previous,
                    encoded: WatchEventEncoder.encode(event.type, object: event.object.bytes), now: now)
            }
            state.history = restored
            state.hasData = true
            state.readiness = .restored
            state.restoredSavedAt = savedAt
        }
    }
}
