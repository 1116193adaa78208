import KubeAPI

/// Serves one request for one resource: GET, LIST and WATCH with the API server's
/// resourceVersion rules, and the writes (see `ResourceHandler+Write.swift`).
///
/// A value built per request; everything it touches is thread-safe.
struct ResourceHandler: Sendable {
    let store: ObjectStore
    let faults: Faults
    let configuration: KubeSim.Configuration
    let definition: ResourceDefinition
    /// The request as KubeAPI's `RequestInfo` decoded it (path grammar, verb, checked options).
    let info: RequestInfo

    var resource: GroupVersionResource { definition.resource }

    func handle(_ request: SimRequest) async throws(Status) -> SimResponse {
        if definition.namespaced, !info.name.isEmpty, info.namespace.isEmpty {
            throw Status.pathNotFound()
        }
        // A namespaced kind's cluster-wide collection only lists and watches.
        if definition.namespaced, info.namespace.isEmpty, info.verb == .create || info.verb == .deletecollection {
            throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
        }
        switch info.subresource {
        case "scale": return try scale(request)
        case "log": return try log(request)
        default: break
        }
        switch info.verb {
        case .get?: return try await get(request)
        case .list?: return try await list(request)
        case .watch?: return try await watch(request)
        case .create?: return try create(request)
        case .update?: return try update(request)
        case .patch?: return try patch(request)
        case .delete?: return try delete(request)
        case .deletecollection?: return try deleteCollection(request)
        default:
            throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    /// The key a named request addresses.
    var key: ObjectKey {
        ObjectKey(namespace: definition.namespaced ? info.namespace : "", name: info.name)
    }

    /// The namespace a collection request is scoped to (nil: all namespaces).
    var listNamespace: String? {
        definition.namespaced && !info.namespace.isEmpty ? info.namespace : nil
    }

    /// The subresource the request addresses, nil for the object itself.
    var subresource: String? {
        info.subresource.isEmpty ? nil : info.subresource
    }

    /// The request's selectors, validated for this resource.
    func selectors() throws(Status) -> Selectors {
        try Selectors(label: info.options.labelSelector, field: info.options.fieldSelector, definition: definition)
    }

    /// The representation the client's Accept asks for.
    /// - Throws: 406 NotAcceptable when none can be produced.
    func representation(_ request: SimRequest) throws(Status) -> Representation {
        guard let chosen = Representation.negotiate(request.header("accept"), protobufCapable: KubeProtobuf.supports(definition)) else {
            throw Status.notAcceptable("the server was unable to respond with a content type that the client supports")
        }
        return chosen
    }

    /// An object answer in the negotiated encoding (JSON when negotiation fails late).
    func objectResponse(_ status: Int, _ object: StoredObject, _ request: SimRequest) -> SimResponse {
        switch (try? representation(request)) ?? .json {
        case .protobuf:
            return .full(status: status, headers: [("Content-Type", KubeProtobuf.mediaType)], body: KubeProtobuf.encodeConfigMap(object))
        case .partialMetadata:
            return .json(status, Representation.partialMetadata(object))
        case .json:
            return .json(status, object.bytes)
        }
    }

    /// Waits for a "not older than N" read: returns when the store has reached N, or throws
    /// the API server's 504 `ResourceVersionTooLarge` after the configured wait (3 s).
    func waitUntilFresh(_ version: ResourceVersion?) async throws(Status) {
        guard let version, version != .zero else { return }
        if await !store.waitForResourceVersion(version.value, timeout: configuration.resourceVersionWaitTimeout) {
            throw Status.resourceVersionTooLarge()
        }
    }
}
