import KubeAPI

/// The events that turn the cache's store into the result of a fresh LIST.
///
/// A merge of two key-ordered sequences — the store and the LIST's items — that yields, in RV
/// order: `ADDED` for keys only in the LIST, `MODIFIED` for keys whose object changed,
/// `DELETED` then `ADDED` when the name now belongs to another object (a different UID), and
/// `DELETED` for keys only in the store, carrying the object's last state.
///
/// Every event gets its own resourceVersion, as the API server's events do, so a client that
/// loses its watch in the middle of the difference and resumes from the last RV it saw misses
/// nothing. `ADDED` and `MODIFIED` carry their object's RV. A deletion's real RV is unknown,
/// but it lies after the store's RV and, for a replaced object, before its successor's; each
/// deletion is given a distinct RV in that range that no other event uses (the largest free
/// one, so at most the LIST's RV). The range always has room when the upstream spends at least
/// one RV per write, as etcd does; should it not, the deletion carries the bound (the LIST's
/// RV, or the successor's), shared with another event.
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
        /// Objects that left the store: the replaced ones with their successor's RV as bound.
        var removed: [(object: CachedObject, bound: ResourceVersion, successor: Int?)] = []
        var oldObjects = old.objects.makeIterator()
        var nextOld = oldObjects.next()?.value
        for object in new {
            while let current = nextOld, current.key < object.key {
                removed.append((current, listResourceVersion, nil))
                nextOld = oldObjects.next()?.value
            }
            if let current = nextOld, current.key == object.key {
                if current.uid != object.uid {
                    removed.append((current, object.resourceVersion, changes.count))
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
            removed.append((current, listResourceVersion, nil))
            nextOld = oldObjects.next()?.value
        }

        // Distinct RVs for the deletions: replaced objects first (their range is narrower).
        var free = FreeResourceVersions(after: old.resourceVersion, taken: changes.map(\.object.resourceVersion))
        var deletions: [(change: Change, successor: Int?)] = []
        for (object, bound, successor) in removed.sorted(by: { ($0.successor == nil ? 1 : 0) < ($1.successor == nil ? 1 : 0) }) {
            let below = successor != nil ? bound : ResourceVersion(bound.value &+ 1)
            let resourceVersion = free.takeLargest(below: below) ?? bound
            deletions.append((Change(type: .deleted, object: object.withResourceVersion(resourceVersion), previous: object), successor))
        }
        // RV order; a replaced object's DELETED just before the ADDED that replaces it, should
        // they share an RV.
        var ordered: [(change: Change, rank: Int)] = changes.enumerated().map { ($0.element, 2 * $0.offset + 1) }
        ordered += deletions.map { ($0.change, $0.successor.map { 2 * $0 } ?? 2 * changes.count + 1) }
        events = ordered.sorted { lhs, rhs in
            lhs.change.object.resourceVersion != rhs.change.object.resourceVersion
                ? lhs.change.object.resourceVersion < rhs.change.object.resourceVersion
                : lhs.rank < rhs.rank
        }.map(\.change)
    }
}

/// The resourceVersions after a floor that no event has taken yet, handed out largest first.
private struct FreeResourceVersions {
    let floor: ResourceVersion
    var taken: Set<UInt64>

    init(after floor: ResourceVersion, taken: some Sequence<ResourceVersion>) {
        self.floor = floor
        self.taken = Set(taken.map(\.value))
    }

    /// The largest RV above the floor and below `bound` not taken yet (and now taken), or nil.
    mutating func takeLargest(below bound: ResourceVersion) -> ResourceVersion? {
        var candidate = bound.value
        while candidate > floor.value &+ 1 {
            candidate -= 1
            if taken.insert(candidate).inserted { return ResourceVersion(candidate) }
        }
        return nil
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
