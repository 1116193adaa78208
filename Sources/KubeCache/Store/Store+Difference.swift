import KubeAPI

extension Store {
    /// What changed from `older` to this store: objects added or replaced, and keys removed.
    ///
    /// One merge over both stores in key order; an object present in both as the same instance
    /// is unchanged (the cache shares unchanged objects between snapshots), so the work is a
    /// key comparison and a pointer comparison per object and allocates only for changes.
    /// Used by incremental snapshot saves.
    public func changes(since older: Store) -> StoreChanges {
        var changes = StoreChanges()
        var oldObjects = older.objects.makeIterator()
        var newObjects = objects.makeIterator()
        var old = oldObjects.next()
        var new = newObjects.next()
        while true {
            switch (old, new) {
            case (nil, nil):
                return changes
            case (let o?, nil):
                changes.removed.append(o.key)
                old = oldObjects.next()
            case (nil, let n?):
                changes.upserted.append(n.value)
                new = newObjects.next()
            case (let o?, let n?):
                if o.key == n.key {
                    let isSameObject = o.value === n.value
                        || (o.value.resourceVersion == n.value.resourceVersion && o.value.uid == n.value.uid)
                    if !isSameObject {
                        changes.upserted.append(n.value)
                    }
                    old = oldObjects.next()
                    new = newObjects.next()
                } else if o.key < n.key {
                    changes.removed.append(o.key)
                    old = oldObjects.next()
                } else {
                    changes.upserted.append(n.value)
                    new = newObjects.next()
                }
            }
        }
    }
}

/// The difference between two stores of one resource.
public struct StoreChanges: Sendable {
    /// Objects new or changed, in key order.
    public var upserted: [CachedObject] = []
    /// Keys no longer present, in key order.
    public var removed: [ObjectKey] = []

    public var isEmpty: Bool { upserted.isEmpty && removed.isEmpty }
}
