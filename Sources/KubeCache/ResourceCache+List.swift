import KubeAPI

/// Answering GET and LIST from the cache.
extension ResourceCache {
    /// The object stored under `key` in the current store.
    public func get(_ key: ObjectKey) -> CachedObject? {
        store[key]
    }

    /// Answers a LIST from the current store, a retained one, or not at all.
    ///
    /// - `resourceVersion` "0": the current store, all items (the API server's cache ignores
    ///   `limit` here).
    /// - a continue token: the store retained at the token's RV; upstream when it is gone.
    /// - Exact N (or N with a limit): the store at exactly N — the current one when the cache
    ///   is at N, else one retained at N; upstream otherwise.
    /// - otherwise: the current store (the caller has waited until it is fresh enough).
    ///
    /// A page that stops at `limit` with keys left retains its store, so the next pages come
    /// from the same state, and carries a continue token in the API server's format.
    ///
    /// - Throws: `400 BadRequest` for a continue token that cannot be decoded.
    public func list(_ request: ListRequest) throws(Status) -> ListAnswer {
        let now = configuration.now()
        var start: ObjectKey?
        let snapshot: Store?
        let listNamespace = request.filter.namespace.isEmpty ? nil : request.filter.namespace
        if let token = request.continueToken {
            if ContinueToken.latestStartKey(decoding: token) != nil {
                // An "inconsistent continue" token: the upstream serves it from its latest state.
                return .upstream(reason: "continue token asks for the latest state")
            }
            let decoded = try ContinueToken(decoding: token)
            start = decoded.startObjectKey(listNamespace: listNamespace)
            snapshot = state.withLock { state in
                state.store.resourceVersion == decoded.resourceVersion
                    ? state.store : state.retained.store(at: decoded.resourceVersion, now: now)
            }
            guard snapshot != nil else {
                return .upstream(reason: "continue token for RV \(decoded.resourceVersion), which the cache no longer holds")
            }
        } else if request.isExact, let exact = request.resourceVersion {
            snapshot = state.withLock { state in
                state.store.resourceVersion == exact ? state.store : state.retained.store(at: exact, now: now)
            }
            guard snapshot != nil else {
                return .upstream(reason: "exact RV \(exact) is not a state the cache holds")
            }
        } else {
            snapshot = store
        }
        guard let snapshot else { return .upstream(reason: "no state") }
        let limit = request.resourceVersion == .zero && request.continueToken == nil ? nil : request.limit
        let page = Self.page(
            of: snapshot, filter: request.filter, namespaced: resource.apiResource.namespaced, from: start, limit: limit)
        if page.continueToken != nil {
            state.withLock { $0.retained.retain(snapshot, now: now) }
        }
        return .list(page)
    }

    /// Collects one page of matching objects from `store`.
    static func page(of store: Store, filter: ObjectFilter, namespaced: Bool, from start: ObjectKey?, limit: Int?) -> ListResult {
        let limit = limit ?? .max
        var items: [CachedObject] = []
        var hasMore = false

        func consider(_ object: CachedObject) -> Bool {
            if items.count == limit {
                hasMore = true
                return false
            }
            if filter.matches(object) { items.append(object) }
            return true
        }

        if let name = filter.name {
            let key = ObjectKey(namespace: filter.namespace, name: name)
            if filter.namespace.isEmpty && namespaced {
                // All namespaces: the name may be in any of them.
                for object in store.objects(namespace: "", from: start) where object.key.name == name {
                    if !consider(object) { break }
                }
            } else if let object = store[key], start.map({ key >= $0 }) ?? true {
                _ = consider(object)
            }
        } else if let node = filter.nodeName, let keys = store.keys(onNode: node) {
            for key in keys where start.map({ key >= $0 }) ?? true {
                guard let object = store[key] else { continue }
                if !consider(object) { break }
            }
        } else {
            // Objects the label summary rules out are never touched; whether any object at all
            // follows the page (for the continue token) is counted from the tree instead.
            var objects = store.objects(namespace: filter.namespace, from: start, labelSummary: filter.labelSummary)
            while items.count < limit, let object = objects.next() {
                if filter.matches(object) { items.append(object) }
            }
            if items.count == limit, let last = items.last {
                hasMore = store.count(namespace: filter.namespace, from: last.key.successor) > 0
            }
        }

        var result = ListResult(resourceVersion: store.resourceVersion, items: items)
        if hasMore, let last = items.last {
            let token = ContinueToken(
                resourceVersion: store.resourceVersion, after: last.key,
                listNamespace: filter.namespace.isEmpty ? nil : filter.namespace)
            result.continueToken = token.encoded
            if !filter.hasSelectors {
                result.remainingItemCount = store.count(namespace: filter.namespace, from: last.key.successor)
            }
        }
        return result
    }
}

extension ObjectKey {
    /// The first key that sorts after this one.
    var successor: ObjectKey { ObjectKey(namespace: namespace, name: name + "\u{0}") }
}
