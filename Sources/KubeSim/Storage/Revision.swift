/// One revision of one key in a resource's MVCC chain: the state written at `resourceVersion`,
/// or nil for the deletion (a tombstone).
struct Revision: Sendable {
    var resourceVersion: UInt64
    var object: StoredObject?
}
