import KubeAPI

/// Reads: GET and LIST at the current or an exact past resourceVersion.
extension ObjectStore {
    /// The oldest resourceVersion a read of `resource` can be served at.
    func horizon(of resource: GroupVersionResource) -> UInt64 {
        state.withLock { $0.resources[resource]?.horizon ?? 0 }
    }

    /// The current state of one object.
    func get(_ resource: GroupVersionResource, key: ObjectKey) -> StoredObject? {
        state.withLock { $0.resources[resource]?.current(key) }
    }

    /// A page of `resource` in storage-key order.
    ///
    /// - Parameters:
    ///   - at: the resourceVersion to read at, nil for the current one.
    ///   - from: start at this key (inclusive; a continue token's start key is the last key
    ///     returned plus NUL, so it selects exactly the keys after it).
    ///   - limit: page size; nil or 0 for everything.
    /// - Throws: 410 Expired when `at` is older than the retained history.
    func list(
        _ resource: GroupVersionResource, namespace: String?, selectors: Selectors,
        at requested: UInt64?, from start: ObjectKey?, limit: Int?
    ) throws(Status) -> ListPage {
        let result: Result<ListPage, Status> = state.withLock { state in
            guard let resourceState = state.resources[resource] else {
                return .failure(Status.pathNotFound())
            }
            let readVersion = requested ?? state.resourceVersion
            if readVersion < resourceState.horizon {
                return .failure(Status.expired(requested: ResourceVersion(readVersion), oldest: ResourceVersion(resourceState.horizon)))
            }
            let isCurrent = readVersion >= resourceState.lastChange
            let pageLimit = (limit ?? 0) > 0 ? limit! : Int.max
            var items: [StoredObject] = []
            if pageLimit != Int.max { items.reserveCapacity(min(pageLimit, resourceState.liveCount)) }
            let first: ObjectKey? = start ?? namespace.map { ObjectKey(namespace: $0, name: "") }
            var cursor = resourceState.keys.keys(from: first, inclusive: true)
            var lastKey: ObjectKey?
            var hasMore = false
            var nextKey: ObjectKey?
            while let key = cursor.next() {
                if let namespace, key.namespace != namespace { break }
                guard let object = isCurrent ? resourceState.current(key) : resourceState.object(key, at: readVersion) else { continue }
                if items.count == pageLimit {
                    hasMore = true
                    nextKey = key
                    break
                }
                lastKey = key
                guard selectors.matches(object) else { continue }
                items.append(object)
            }
            var remaining: Int?
            if hasMore, selectors.isEmpty, isCurrent, namespace == nil, resourceState.tombstoneCount == 0, let nextKey {
                // Every key is live: what follows is everything from the next key on.
                remaining = resourceState.keys.count - resourceState.keys.rank(of: nextKey)
            } else if hasMore, selectors.isEmpty {
                // Count what follows: the current position plus the rest of the range.
                var count = 1
                while let key = cursor.next() {
                    if let namespace, key.namespace != namespace { break }
                    if (isCurrent ? resourceState.current(key) : resourceState.object(key, at: readVersion)) != nil { count += 1 }
                }
                remaining = count
            }
            return .success(ListPage(
                resourceVersion: readVersion, items: items, lastKey: hasMore ? lastKey : nil,
                remainingItemCount: remaining))
        }
        return try result.get()
    }
}
