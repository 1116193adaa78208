import KubeAPI

/// Create, update and delete, with the registry's rules (store.go): names, namespaces,
/// preconditions, generation, finalizers. All run inside the store's lock.
extension ObjectStore {
    func create(_ resource: GroupVersionResource, namespace: String?, object: JSONObject, options: WriteOptions) throws(Status) -> StoredObject {
        let limit = historyLimit
        return try state.withLock { state -> Result<StoredObject, Status> in
            Result { () throws(Status) -> StoredObject in
                try state.create(resource, namespace: namespace, object: object, options: options, historyLimit: limit)
            }
        }.get()
    }

    /// Updates one object with `transform(current)` (a PUT body, or a patch applied to the
    /// current state), atomically.
    func update(
        _ resource: GroupVersionResource, key: ObjectKey, options: WriteOptions,
        transform: (StoredObject) throws(Status) -> JSONObject
    ) throws(Status) -> UpdateOutcome {
        let limit = historyLimit
        return try state.withLock { state -> Result<UpdateOutcome, Status> in
            Result { () throws(Status) -> UpdateOutcome in
                try state.update(resource, key: key, options: options, historyLimit: limit, transform: transform)
            }
        }.get()
    }

    func delete(_ resource: GroupVersionResource, key: ObjectKey, preconditions: Preconditions, options: WriteOptions) throws(Status) -> DeleteOutcome {
        let limit = historyLimit
        return try state.withLock { state -> Result<DeleteOutcome, Status> in
            Result { () throws(Status) -> DeleteOutcome in
                try state.delete(resource, key: key, preconditions: preconditions, options: options, historyLimit: limit)
            }
        }.get()
    }

    /// Deletes every object of `resource` in `namespace` matching `selectors`.
    func deleteCollection(_ resource: GroupVersionResource, namespace: String?, selectors: Selectors, options: WriteOptions) throws(Status) -> [DeleteOutcome] {
        let limit = historyLimit
        return try state.withLock { state -> Result<[DeleteOutcome], Status> in
            Result { () throws(Status) -> [DeleteOutcome] in
                // Collect first, in a scope of its own: a copy of the resource state alive during
                // the deletes would make the first of them copy every chain (copy-on-write).
                let targets = try { () throws(Status) -> [ObjectKey] in
                    guard let resourceState = state.resources[resource] else { throw Status.pathNotFound() }
                    let start = namespace.map { ObjectKey(namespace: $0, name: "") }
                    var targets: [ObjectKey] = []
                    for key in resourceState.keys.keys(from: start) {
                        if let namespace, key.namespace != namespace { break }
                        if let object = resourceState.current(key), selectors.matches(object) { targets.append(key) }
                    }
                    return targets
                }()
                return try targets.map { key throws(Status) in
                    try state.delete(resource, key: key, preconditions: Preconditions(), options: options, historyLimit: limit)
                }
            }
        }.get()
    }
}
