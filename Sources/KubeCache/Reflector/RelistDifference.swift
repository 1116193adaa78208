import KubeAPI

/// The events that turn the cache's store into the result of a fresh LIST.
///
/// A merge of two key-ordered sequences — the store and the LIST's items — that yields, in RV
/// order: `ADDED` for keys only in the LIST, `MODIFIED` for keys whose object changed,
/// `DELETED` then `ADDED` (both at the new object's RV) when the name now belongs to another
/// object (a different UID), and `DELETED` for keys only in the store, carrying the object's
/// last state with the LIST's RV (KUBERNETES.md: a DELETED event carries the deletion's RV;
/// the LIST's RV is the earliest one at which the deletion is known).
///
/// Unchanged objects (same UID and RV) produce nothing, and the store keeps its own instance,
/// so a relist that finds nothing new costs no memory.
struct RelistDifference {
    struct Change {
        var type: WatchEventType
        var object: CachedObject
        var previous: CachedObject?
    }

    private(set) var events: [Change] = []

    /// `new` must be sorted by key.
    init(old: Store, new: [CachedObject], listResourceVersion: ResourceVersion) {
        var changes: [Change] = []
        var deletions: [Change] = []
        var oldObjects = old.objects.makeIterator()
        var nextOld = oldObjects.next()?.value
        for object in new {
            while let current = nextOld, current.key < object.key {
                deletions.append(Self.deletion(of: current, at: listResourceVersion))
                nextOld = oldObjects.next()?.value
            }
            if let current = nextOld, current.key == object.key {
                if current.uid != object.uid {
                    changes.append(Self.deletion(of: current, at: object.resourceVersion))
                    changes.append(Change(type: .added, object: object, previous: nil))
                } else if current.resourceVersion != object.resourceVersion {
                    changes.append(Change(type: .modified, object: object, previous: current))
                }
                nextOld = oldObjects.next()?.value
            } else {
                changes.append(Change(type: .added, object: object, previous: nil))
            }
        }
        while let current = nextOld {
            deletions.append(Self.deletion(of: current, at: listResourceVersion))
            nextOld = oldObjects.next()?.value
        }
        // Stable sort keeps a DELETED just before the ADDED that replaces it (same RV).
        let ordered = changes.enumerated().sorted { lhs, rhs in
            lhs.element.object.resourceVersion != rhs.element.object.resourceVersion
                ? lhs.element.object.resourceVersion < rhs.element.object.resourceVersion
                : lhs.offset < rhs.offset
        }.map(\.element)
        events = ordered + deletions
    }

    /// A DELETED change for `object`: its last state, with `resourceVersion` as its RV.
    private static func deletion(of object: CachedObject, at resourceVersion: ResourceVersion) -> Change {
        Change(type: .deleted, object: object.withResourceVersion(resourceVersion), previous: object)
    }
}

extension CachedObject {
    /// The same object with `metadata.resourceVersion` rewritten: how a DELETED event the
    /// cache synthesizes carries the deletion's RV.
    func withResourceVersion(_ resourceVersion: ResourceVersion) -> CachedObject {
        guard resourceVersion != self.resourceVersion,
              let rewritten = try? ObjectJSON.settingResourceVersion(resourceVersion, of: Array(bytes)),
              let metadata = try? rewritten.withUnsafeBytes({ try ObjectJSON.metadata(of: $0) })
        else { return self }
        return CachedObject(
            key: key, bytes: rewritten[...], uid: uid, resourceVersion: resourceVersion, labels: labels,
            fieldValues: fieldValues, metadataRange: metadata.metadataRange, isTerminating: isTerminating)
    }
}
