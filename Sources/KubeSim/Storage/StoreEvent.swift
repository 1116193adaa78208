import KubeAPI

/// One change to one object, as stored in a resource's history and fanned out to watchers.
///
/// `object` is the state the event reports: the new state for ADDED and MODIFIED, and for
/// DELETED the last state re-encoded with `metadata.resourceVersion` set to the deletion's RV
/// (what the API server's watch sends). `previous` is the state before the change, which
/// watchers with selectors need to turn a change into ADDED or DELETED.
struct StoreEvent: Sendable {
    var type: WatchEventType
    var resourceVersion: UInt64
    var object: StoredObject
    var previous: StoredObject?
}
