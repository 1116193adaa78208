import KubeAPI

/// One thing a watch stream writes: an event, a bookmark, or a final error.
enum WatchItem: Sendable {
    /// An event for the client, with when it was queued (for the lagging-watch fault).
    case event(WatchEventType, StoredObject, queuedAt: ContinuousClock.Instant)
    /// A BOOKMARK at `resourceVersion`; `initialEventsEnd` adds the
    /// `k8s.io/initial-events-end` annotation that ends a WatchList's initial events.
    case bookmark(resourceVersion: UInt64, initialEventsEnd: Bool)
    /// An ERROR event carrying the Status; the stream ends after it.
    case error(Status)
}
