import Foundation
import KubeAPI
import KubeCache

/// One resource as the last committed save left it: what to restore its cache from before
/// discovery answers and before its reflector resumes the WATCH from `resourceVersion`.
///
/// Objects were rebuilt with `CachedObject(json:resource:)` into `store` (in key order, shared
/// with the snapshot store's baseline, so the next save finds them unchanged). `history` is
/// the saved tail of the event history, oldest first; a client may resume a watch from any RV
/// at or after `oldestResumable`, older RVs are `410 Expired`.
public struct RestoredResource: Sendable {
    /// The resource as discovery described it when it was saved.
    public let resource: CachedResource
    public let store: Store
    public let history: [RestoredEvent]
    public let oldestResumable: ResourceVersion
    /// When the data was last known to match the upstream (the last save while its watch
    /// was live).
    public let savedAt: Date

    public init(
        resource: CachedResource, store: Store, history: [RestoredEvent], oldestResumable: ResourceVersion,
        savedAt: Date
    ) {
        self.resource = resource
        self.store = store
        self.history = history
        self.oldestResumable = oldestResumable
        self.savedAt = savedAt
    }

    public var apiResource: APIResource { resource.apiResource }

    public var groupVersionResource: GroupVersionResource { resource.groupVersionResource }

    /// The RV to resume the upstream watch from.
    public var resourceVersion: ResourceVersion { store.resourceVersion }

    /// The objects in key order.
    public var objects: [CachedObject] { store.objects.map(\.value) }

    /// How old the data is at `now`.
    public func age(at now: Date = Date()) -> Duration {
        .milliseconds(Int64((now.timeIntervalSince(savedAt) * 1000).rounded()))
    }

    /// True when the data is older than `maxAge` (`--snapshot-max-age`): the proxy should not
    /// serve it (or only with a `Warning` header) until the watch has caught up.
    public func isStale(maxAge: Duration, now: Date = Date()) -> Bool {
        age(at: now) > maxAge
    }

    /// Fills `cache` with this resource's objects and history (state `restored`).
    ///
    /// When the cache's resource is described differently now (discovery changed its
    /// selectable fields), objects are rebuilt for it, which costs a parse of each; otherwise
    /// the store is adopted as is, in O(history).
    public func restore(into cache: ResourceCache) {
        if cache.resource == resource {
            cache.restore(store: store, history: history, oldestResumable: oldestResumable, savedAt: savedAt)
            return
        }
        let live = cache.resource
        func rebuilt(_ object: CachedObject) -> CachedObject? {
            try? CachedObject(json: object.bytes, resource: live)
        }
        let events = history.compactMap { event -> RestoredEvent? in
            guard let object = rebuilt(event.object) else { return nil }
            return RestoredEvent(type: event.type, object: object, previous: event.previous.flatMap(rebuilt))
        }
        var rebuiltStore = Store(resource: live, resourceVersion: resourceVersion)
        for (_, object) in store.objects {
            if let object = rebuilt(object) { rebuiltStore.put(object) }
        }
        cache.restore(store: rebuiltStore, history: events, oldestResumable: oldestResumable, savedAt: savedAt)
    }
}
