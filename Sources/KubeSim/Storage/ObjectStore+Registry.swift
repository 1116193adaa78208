import KubeAPI

/// The write rules themselves, on the locked state (see `ObjectStore+Write.swift`).
extension ObjectStore.State {
    private func resourceState(_ resource: GroupVersionResource) throws(Status) -> ResourceState {
        guard let state = resources[resource] else { throw Status.pathNotFound() }
        return state
    }

    private static let namespacesResource = ResourceDefinition.namespaces.resource

    /// Checks `kind`/`apiVersion` a body states against the endpoint's.
    private func checkTypeMeta(_ object: JSONObject, definition: ResourceDefinition) throws(Status) {
        if let apiVersion = object.string("apiVersion"), apiVersion != definition.apiVersion {
            throw Status.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(definition.apiVersion))")
        }
        if let kind = object.string("kind"), kind != definition.kind {
            throw Status.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(definition.kind))")
        }
    }

    /// POST: the registry's create. In order: type meta matches the endpoint; the namespace
    /// comes from the path (400 if the body names another); `generateName` gets 5 random
    /// characters; uid, creationTimestamp and generation are set, client-sent server fields
    /// dropped; the kind's defaults and validation (422) apply; the namespace must exist (404)
    /// and not be terminating (403); the name must be free (409 AlreadyExists). Then ADDED.
    mutating func create(
        _ resource: GroupVersionResource, namespace: String?, object input: JSONObject,
        options: WriteOptions, historyLimit: Int
    ) throws(Status) -> StoredObject {
        let definition = try resourceState(resource).definition
        try checkTypeMeta(input, definition: definition)
        var object = input
        var metadata = ObjectMeta.metadata(of: object)
        if definition.namespaced {
            let requested = namespace ?? ""
            if let stated = metadata.string("namespace"), !stated.isEmpty, stated != requested {
                throw Status.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(requested)
        } else {
            metadata["namespace"] = nil
        }
        var name = metadata.string("name") ?? ""
        if name.isEmpty {
            guard let generateName = metadata.string("generateName"), !generateName.isEmpty else {
                throw Status.invalid(
                    group: resource.group, kind: definition.kind, name: "",
                    causes: [Status.Cause(reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name")])
            }
            repeat {
                name = generateName + ObjectMeta.randomSuffix()
            } while resources[resource]!.current(ObjectKey(namespace: namespace ?? "", name: name)) != nil
            metadata["name"] = .string(name)
        }
        metadata["uid"] = .string(ObjectMeta.newUID())
        metadata["creationTimestamp"] = .string(ObjectMeta.now())
        metadata["resourceVersion"] = nil
        metadata["deletionTimestamp"] = nil
        metadata["deletionGracePeriodSeconds"] = nil
        metadata["selfLink"] = nil
        metadata["generation"] = definition.hasGeneration ? .number("1") : nil
        object["metadata"] = .object(metadata)
        object["kind"] = .string(definition.kind)
        object["apiVersion"] = .string(definition.apiVersion)
        ResourceStrategy.prepareForCreate(&object, definition: definition, preserveStatus: options.preserveStatus)
        if let invalid = ResourceStrategy.validate(object, definition: definition) { throw invalid }
        let key = ObjectKey(namespace: definition.namespaced ? (namespace ?? "") : "", name: name)
        if definition.namespaced {
            let namespaceKey = ObjectKey(name: key.namespace)
            guard let namespaceObject = resources[Self.namespacesResource]?.current(namespaceKey) else {
                throw Status.notFound(resource: "namespaces", name: key.namespace)
            }
            if namespaceObject.isDeleting {
                throw Status.forbidden(
                    "\(resource.groupResource) \(JSONString.quoted(name)) is forbidden: unable to create new content in namespace \(key.namespace) because it is being terminated",
                    group: resource.group, resource: resource.resource, name: name)
            }
        }
        if resources[resource]!.current(key) != nil {
            throw Status.alreadyExists(group: resource.group, resource: resource.resource, name: name)
        }
        if options.dryRun {
            return ObjectCodec.encode(object, definition: definition, resourceVersion: 0)
        }
        return commit(.added, object: object, previous: nil, in: resource, historyLimit: historyLimit)
    }

    /// PUT and PATCH: the registry's update. A stated resourceVersion must be the current one
    /// (409 Conflict); none means unconditional. uid, creationTimestamp, deletion fields,
    /// generation and namespace are the server's; with a status subresource, the object
    /// endpoint keeps the old status and `/status` changes only status. generation moves when
    /// anything but metadata and status changes. A no-op writes nothing (same RV, no event).
    /// Emptying the finalizers of an object being deleted deletes it.
    mutating func update(
        _ resource: GroupVersionResource, key: ObjectKey, options: WriteOptions, historyLimit: Int,
        transform: (StoredObject) throws(Status) -> JSONObject
    ) throws(Status) -> UpdateOutcome {
        let definition = try resourceState(resource).definition
        guard let current = resources[resource]!.current(key) else {
            throw Status.notFound(group: resource.group, resource: resource.resource, name: key.name)
        }
        let input = try transform(current)
        try checkTypeMeta(input, definition: definition)
        let old = current.parsed()
        let oldMeta = ObjectMeta.metadata(of: old)
        var newMeta = ObjectMeta.metadata(of: input)
        let stated = newMeta.string("name") ?? ""
        if stated != key.name {
            throw Status.badRequest("the name of the object (\(stated)) does not match the name on the URL (\(key.name))")
        }
        if definition.namespaced, let namespace = newMeta.string("namespace"), !namespace.isEmpty, namespace != key.namespace {
            throw Status.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if let version = newMeta.string("resourceVersion"), !version.isEmpty, version != String(current.resourceVersion) {
            throw Status.conflict(
                group: resource.group, resource: resource.resource, name: key.name,
                message: "the object has been modified; please apply your changes to the latest version and try again")
        }
        if let uid = newMeta.string("uid"), !uid.isEmpty, uid != current.uid {
            throw Status.conflict(
                group: resource.group, resource: resource.resource, name: key.name,
                message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid)")
        }
        var object: JSONObject
        let hasStatus = definition.subresources.contains("status")
        if options.subresource == "status" {
            // Status updates change only status (ResetObjectMetaForStatus keeps the rest).
            object = old
            object["status"] = input["status"]
        } else if options.subresource == "finalize" {
            // Namespace finalize: only spec.finalizers changes.
            object = old
            var spec = old.object("spec") ?? JSONObject()
            spec["finalizers"] = input.object("spec")?["finalizers"]
            object["spec"] = .object(spec)
        } else {
            object = input
            for member in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace"] {
                newMeta[member] = oldMeta[member]
            }
            newMeta["resourceVersion"] = nil
            object["metadata"] = .object(newMeta)
            if hasStatus { object["status"] = old["status"] }
            object["kind"] = .string(definition.kind)
            object["apiVersion"] = .string(definition.apiVersion)
        }
        if !definition.isCustom { ResourceStrategy.prepareForUpdate(&object, definition: definition) }
        if current.isDeleting {
            let before = Set((oldMeta["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue))
            let after = (ObjectMeta.metadata(of: object)["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
            let added = after.filter { !before.contains($0) }
            if !added.isEmpty {
                throw Status.invalid(
                    group: resource.group, kind: definition.kind, name: key.name,
                    causes: [Status.Cause(
                        reason: "FieldValueForbidden",
                        message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\(added.map { JSONString.quoted($0) }.joined(separator: ", "))}",
                        field: "metadata.finalizers")])
            }
        }
        if definition.hasGeneration, options.subresource == nil {
            var oldSpec = old
            var newSpec = object
            // Without a status subresource every change but metadata is a spec change.
            for strip in ["metadata", "kind", "apiVersion"] + (hasStatus ? ["status"] : []) {
                oldSpec[strip] = nil
                newSpec[strip] = nil
            }
            let generation = oldMeta["generation"]?.intValue ?? 1
            ObjectMeta.update(&object) { $0["generation"] = .number(String(oldSpec == newSpec ? generation : generation + 1)) }
        }
        if let invalid = ResourceStrategy.validate(object, definition: definition) { throw invalid }
        // The API server skips writing an update that changes nothing.
        var comparable = object
        ObjectMeta.update(&comparable) { $0["resourceVersion"] = .string(String(current.resourceVersion)) }
        let candidate = ObjectCodec.encode(comparable, definition: definition, resourceVersion: current.resourceVersion)
        if candidate.bytes == current.bytes { return .unchanged(current) }
        if current.isDeleting, !candidate.hasFinalizers {
            if options.dryRun { return .deleted(current) }
            commit(.deleted, object: current.parsed(), previous: current, in: resource, historyLimit: historyLimit)
            return .deleted(current)
        }
        if options.dryRun { return .updated(candidate) }
        return .updated(commit(.modified, object: object, previous: current, in: resource, historyLimit: historyLimit))
    }

    /// DELETE: preconditions (409), then either mark for deletion when finalizers are pending
    /// (deletionTimestamp now, deletionGracePeriodSeconds 0, generation+1, MODIFIED; a second
    /// delete changes nothing) or remove (DELETED at a new RV). Pods are removed at once, as if
    /// deleted with a zero grace period: KubeSim runs no kubelet to finish a graceful delete.
    mutating func delete(
        _ resource: GroupVersionResource, key: ObjectKey, preconditions: Preconditions, options: WriteOptions,
        historyLimit: Int
    ) throws(Status) -> DeleteOutcome {
        let definition = try resourceState(resource).definition
        guard let current = resources[resource]!.current(key) else {
            throw Status.notFound(group: resource.group, resource: resource.resource, name: key.name)
        }
        if let uid = preconditions.uid, uid != current.uid {
            throw Status.conflict(
                group: resource.group, resource: resource.resource, name: key.name,
                message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid)")
        }
        if let version = preconditions.resourceVersion, version != String(current.resourceVersion) {
            throw Status.conflict(
                group: resource.group, resource: resource.resource, name: key.name,
                message: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(current.resourceVersion)")
        }
        if definition.kind == "Namespace" {
            return deleteNamespace(current, options: options, historyLimit: historyLimit)
        }
        if current.hasFinalizers {
            if current.isDeleting { return .pending(current) }
            var object = current.parsed()
            ObjectMeta.update(&object) { metadata in
                metadata["deletionTimestamp"] = .string(ObjectMeta.now())
                metadata["deletionGracePeriodSeconds"] = .number("0")
                if let generation = metadata["generation"]?.intValue, generation > 0 {
                    metadata["generation"] = .number(String(generation + 1))
                }
            }
            if options.dryRun { return .pending(ObjectCodec.encode(object, definition: definition, resourceVersion: current.resourceVersion)) }
            return .pending(commit(.modified, object: object, previous: current, in: resource, historyLimit: historyLimit))
        }
        if !options.dryRun {
            commit(.deleted, object: current.parsed(), previous: current, in: resource, historyLimit: historyLimit)
        }
        return .deleted(current)
    }

    /// Namespace deletion as the namespace controller completes it, done at once: the namespace
    /// turns `Terminating`, everything in it is deleted (finalizers notwithstanding), then the
    /// namespace goes. Answers the `Terminating` namespace, as the API server does.
    private mutating func deleteNamespace(_ current: StoredObject, options: WriteOptions, historyLimit: Int) -> DeleteOutcome {
        let resource = Self.namespacesResource
        let definition = resources[resource]!.definition
        if current.isDeleting { return .pending(current) }
        var object = current.parsed()
        ObjectMeta.update(&object) { $0["deletionTimestamp"] = .string(ObjectMeta.now()) }
        var status = object.object("status") ?? JSONObject()
        status["phase"] = .string("Terminating")
        object["status"] = .object(status)
        if options.dryRun { return .pending(ObjectCodec.encode(object, definition: definition, resourceVersion: current.resourceVersion)) }
        let terminating = commit(.modified, object: object, previous: current, in: resource, historyLimit: historyLimit)
        let namespace = current.key.name
        for gvr in order where resources[gvr]?.definition.namespaced == true {
            var doomed: [StoredObject] = []
            for key in resources[gvr]!.keys.keys(from: ObjectKey(namespace: namespace, name: "")) {
                if key.namespace != namespace { break }
                if let object = resources[gvr]!.current(key) { doomed.append(object) }
            }
            for object in doomed {
                commit(.deleted, object: object.parsed(), previous: object, in: gvr, historyLimit: historyLimit)
            }
        }
        commit(.deleted, object: terminating.parsed(), previous: terminating, in: resource, historyLimit: historyLimit)
        return .pending(terminating)
    }
}
