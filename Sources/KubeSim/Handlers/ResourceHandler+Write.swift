import KubeAPI

/// POST, PUT, PATCH, DELETE and DELETE of a collection, with the API server's answers:
/// 201 with the object on create, 200 on update and patch, and for DELETE the object (pods,
/// services, namespaces, custom resources), a success `Status` (the rest), or the object
/// marked for deletion when finalizers are pending.
extension ResourceHandler {
    var writeOptions: WriteOptions {
        WriteOptions(dryRun: false, preserveStatus: false, subresource: subresource)
    }

    func options(_ request: SimRequest) -> WriteOptions {
        var options = writeOptions
        options.dryRun = !(request.queryValue("dryRun") ?? "").isEmpty
        return options
    }

    /// The request body as a JSON object.
    /// - Throws: 415 for a media type other than JSON, 400 for malformed JSON.
    func decodeBody(_ request: SimRequest) throws(Status) -> JSONObject {
        let contentType = (request.header("content-type") ?? "application/json").lowercased()
        if contentType.hasPrefix(KubeProtobuf.mediaType), KubeProtobuf.supports(definition) {
            return try KubeProtobuf.decodeConfigMap(request.body)
        }
        if !contentType.hasPrefix("application/json") && !contentType.hasPrefix("*/*") {
            throw Status.unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
        }
        return try parseObject(request.body)
    }

    func parseObject(_ body: [UInt8]) throws(Status) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw Status.badRequest(
                "the object provided is unrecognized (must be of type \(definition.kind)): couldn't get version/kind; json parse error: \(error.message)")
        }
        guard let object = value.objectValue else {
            throw Status.badRequest(
                "the object provided is unrecognized (must be of type \(definition.kind)): couldn't get version/kind; json parse error: json: cannot unmarshal \(value.typeName) into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }")
        }
        return object
    }

    /// POST: 201 with the stored object (without a resourceVersion under `dryRun`).
    func create(_ request: SimRequest) throws(Status) -> SimResponse {
        if !info.name.isEmpty || subresource != nil {
            throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
        }
        let object = try decodeBody(request)
        let stored = try store.create(resource, namespace: listNamespace, object: object, options: options(request))
        if options(request).dryRun { return .json(201, responseBytes(stored, dryRun: true)) }
        return objectResponse(201, stored, request)
    }

    /// PUT: the body replaces the object (see the registry's update rules).
    func update(_ request: SimRequest) throws(Status) -> SimResponse {
        let object = try decodeBody(request)
        let outcome = try store.update(resource, key: key, options: options(request)) { _ throws(Status) in object }
        return answer(outcome, request)
    }

    /// PATCH: the patch is applied to the current state inside the store's lock, so it never
    /// loses a concurrent write; the result is then updated like a PUT without a
    /// resourceVersion (unless the patch states one).
    func patch(_ request: SimRequest) throws(Status) -> SimResponse {
        let contentType = (request.header("content-type") ?? "").lowercased()
        let kind: PatchKind
        if contentType.hasPrefix("application/merge-patch+json") {
            kind = .merge
        } else if contentType.hasPrefix("application/strategic-merge-patch+json"), !definition.isCustom {
            kind = .strategic
        } else if contentType.hasPrefix("application/json-patch+json") {
            kind = .json
        } else if contentType.hasPrefix("application/apply-patch+yaml") {
            throw Status.unsupportedMediaType(
                "server-side apply (application/apply-patch+yaml) is not supported by the simulated API server; use client-side apply")
        } else {
            throw Status.unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
                    + (definition.isCustom ? "" : ", application/strategic-merge-patch+json"))
        }
        let patch: JSONValue
        do {
            patch = try JSONParser.parse(request.body)
        } catch {
            throw Status.badRequest("error decoding patch: \(error.message)")
        }
        if kind != .json, patch.objectValue == nil {
            throw Status.badRequest("error decoding patch: json: cannot unmarshal \(patch.typeName) into Go value of type map[string]interface {}")
        }
        let outcome = try store.update(resource, key: key, options: options(request)) { current throws(Status) in
            let original = JSONValue.object(current.parsed())
            let patched: JSONValue
            switch kind {
            case .merge: patched = MergePatch.apply(patch, to: original)
            case .strategic: patched = StrategicMergePatch.apply(patch, to: original)
            case .json: patched = try JSONPatch.apply(patch, to: original)
            }
            guard var object = patched.objectValue else {
                throw Status.badRequest("the patched object is not a JSON object")
            }
            // A patch that does not state a resourceVersion is unconditional.
            if ObjectMeta.metadata(of: object).string("resourceVersion") == String(current.resourceVersion) {
                ObjectMeta.update(&object) { $0["resourceVersion"] = nil }
            }
            return object
        }
        return answer(outcome, request)
    }

    enum PatchKind { case merge, strategic, json }

    /// DELETE: a DeleteOptions body may carry preconditions and dryRun.
    func delete(_ request: SimRequest) throws(Status) -> SimResponse {
        var preconditions = Preconditions()
        var options = options(request)
        if !request.body.isEmpty {
            let body = try parseObject(request.body)
            if let given = body.object("preconditions") {
                preconditions.uid = given.string("uid")
                preconditions.resourceVersion = given.string("resourceVersion")
            }
            if let dryRun = body["dryRun"]?.arrayValue, !dryRun.isEmpty { options.dryRun = true }
        }
        let outcome = try store.delete(resource, key: key, preconditions: preconditions, options: options)
        return answer(outcome, request)
    }

    /// DELETE of a collection: every object matching the selectors, answered as a list of
    /// what was deleted (or marked for deletion).
    func deleteCollection(_ request: SimRequest) throws(Status) -> SimResponse {
        // RequestInfo decodes a DELETE's query leniently; a collection delete checks it as a
        // LIST does, so a malformed selector is a 400 rather than "everything".
        let query = request.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let listOptions = try ListOptions(query: query, verb: .list)
        let selectors = try Selectors(label: listOptions.labelSelector, field: listOptions.fieldSelector, definition: definition)
        let outcomes = try store.deleteCollection(resource, namespace: listNamespace, selectors: selectors, options: options(request))
        let items = outcomes.map { outcome -> StoredObject in
            switch outcome {
            case .deleted(let object), .pending(let object): return object
            }
        }
        return .json(200, ListEncoder.list(
            definition: definition, resourceVersion: store.currentResourceVersion, items: items,
            continueToken: nil, remainingItemCount: nil))
    }

    func answer(_ outcome: UpdateOutcome, _ request: SimRequest) -> SimResponse {
        switch outcome {
        case .updated(let object), .unchanged(let object): return objectResponse(200, object, request)
        case .deleted(let object): return answer(DeleteOutcome.deleted(object), request)
        }
    }

    func answer(_ outcome: DeleteOutcome, _ request: SimRequest) -> SimResponse {
        switch outcome {
        case .pending(let object):
            return objectResponse(200, object, request)
        case .deleted(let object):
            if definition.deleteReturnsObject { return objectResponse(200, object, request) }
            return .json(200, ListEncoder.deletedStatus(resource: resource, object: object))
        }
    }

    /// A dry-run create answers the object without a resourceVersion (nothing was stored).
    private func responseBytes(_ stored: StoredObject, dryRun: Bool) -> [UInt8] {
        guard dryRun else { return stored.bytes }
        var object = stored.parsed()
        ObjectMeta.update(&object) { $0["resourceVersion"] = nil }
        return ObjectCodec.encode(object, definition: definition, resourceVersion: 0).bytes
    }
}
