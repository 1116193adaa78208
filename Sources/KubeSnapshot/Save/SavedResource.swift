import Foundation
import KubeAPI
import KubeCache

/// What the snapshot file holds for one resource as of its last commit: the baseline the next
/// save diffs against.
///
/// `store` is the immutable `Store` that was written (or loaded), so `Store.changes(since:)`
/// gives exactly the rows to upsert and delete. It is replaced only after a COMMIT succeeds,
/// so a failed save leaves it at the last committed state and the next save writes the
/// failed one's changes too. Owned by the snapshot store, on its executor.
struct SavedResource {
    /// `resources.id` of the row.
    var id: Int64
    var store: Store
    var savedAt: Date
    var events: SavedEventTail
}

/// Which history events the file holds for a resource: `count` events with consecutive
/// sequence numbers from `firstSequence`, the newest being `newest`.
struct SavedEventTail: Hashable {
    var firstSequence: Int64 = 1
    var count = 0
    var newest: EventSignature?

    /// The sequence number the next event gets.
    var nextSequence: Int64 { firstSequence + Int64(count) }
}

/// Identifies one event of a history across saves and restores: a cache's event objects are
/// rebuilt by a restore, but a change keeps its type, key, UID and resourceVersion.
struct EventSignature: Hashable {
    var type: WatchEventType
    var key: ObjectKey
    var uid: String
    var resourceVersion: ResourceVersion

    init(type: WatchEventType, object: CachedObject) {
        self.type = type
        key = object.key
        uid = object.uid
        resourceVersion = object.resourceVersion
    }

    init(_ event: WatchCacheEvent) {
        self.init(type: event.type, object: event.object)
    }
}
