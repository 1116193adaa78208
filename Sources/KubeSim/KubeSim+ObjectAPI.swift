import KubeAPI

/// The in-process object API for tests: JSON bytes in, the API server's answer bytes out,
/// through the same handlers as HTTP (same validation, events and resourceVersions), without
/// the socket. Errors are the `Status` the HTTP request would have answered.
extension KubeSim {
    private func handler(_ resource: GroupVersionResource, verb: String, namespace: String, name: String?, subresource: String? = nil) throws(Status) -> ResourceHandler {
        guard let definition = store.definition(for: resource) else { throw Status.pathNotFound() }
        // The request an HTTP client would send, decoded as the server decodes it.
        var path = resource.apiPath
        if definition.namespaced, !namespace.isEmpty { path += "/namespaces/\(namespace)" }
        path += "/\(resource.resource)"
        if let name { path += "/\(name)" }
        if let subresource { path += "/\(subresource)" }
        let method = ["create": "POST", "update": "PUT", "patch": "PATCH", "delete": "DELETE"][verb] ?? "GET"
        let info = try RequestInfo(method: method, uri: path)
        return ResourceHandler(store: store, faults: faults, configuration: configuration, definition: definition, info: info)
    }

    private func request(_ method: String, body: [UInt8] = [], contentType: String = "application/json") -> SimRequest {
        SimRequest(method: method, uri: "/", headers: [("Content-Type", contentType)], body: body)
    }

    private func body(_ response: SimResponse) -> [UInt8] {
        if case .full(_, _, let body) = response { return body }
        return []
    }

    /// POST: creates the object (namespace from the argument, as from the path); answers it.
    @discardableResult
    public func create(_ resource: GroupVersionResource, namespace: String = "", json: [UInt8]) throws(Status) -> [UInt8] {
        body(try handler(resource, verb: "create", namespace: namespace, name: nil).create(request("POST", body: json)))
    }

    /// GET: the object's current state.
    public func get(_ resource: GroupVersionResource, namespace: String = "", name: String) throws(Status) -> [UInt8] {
        let handler = try handler(resource, verb: "get", namespace: namespace, name: name)
        guard let object = store.get(resource, key: handler.key) else {
            throw Status.notFound(group: resource.group, resource: resource.resource, name: name)
        }
        return object.bytes
    }

    /// PUT: replaces the object (409 on a stale `metadata.resourceVersion`; none = unconditional).
    @discardableResult
    public func update(_ resource: GroupVersionResource, namespace: String = "", name: String, json: [UInt8], subresource: String? = nil) throws(Status) -> [UInt8] {
        body(try handler(resource, verb: "update", namespace: namespace, name: name, subresource: subresource).update(request("PUT", body: json)))
    }

    /// PATCH with the given patch type (`application/merge-patch+json`, …).
    @discardableResult
    public func patch(
        _ resource: GroupVersionResource, namespace: String = "", name: String, patch: [UInt8],
        contentType: String = "application/merge-patch+json", subresource: String? = nil
    ) throws(Status) -> [UInt8] {
        body(try handler(resource, verb: "patch", namespace: namespace, name: name, subresource: subresource)
            .patch(request("PATCH", body: patch, contentType: contentType)))
    }

    /// DELETE: answers what the API server answers for that kind (object or `Status`).
    @discardableResult
    public func delete(_ resource: GroupVersionResource, namespace: String = "", name: String) throws(Status) -> [UInt8] {
        body(try handler(resource, verb: "delete", namespace: namespace, name: name).delete(request("DELETE")))
    }

    /// LIST of everything (or one namespace) at the current resourceVersion.
    public func list(_ resource: GroupVersionResource, namespace: String = "") throws(Status) -> [UInt8] {
        let handler = try handler(resource, verb: "list", namespace: namespace, name: nil)
        let page = try store.list(resource, namespace: handler.listNamespace, selectors: Selectors(), at: nil, from: nil, limit: nil)
        return ListEncoder.list(definition: handler.definition, resourceVersion: page.resourceVersion, items: page.items,
                                continueToken: nil, remainingItemCount: nil)
    }

    /// Objects of `resource` stored now (all namespaces).
    public func count(_ resource: GroupVersionResource) -> Int {
        store.state.withLock { $0.resources[resource]?.liveCount ?? 0 }
    }
}
