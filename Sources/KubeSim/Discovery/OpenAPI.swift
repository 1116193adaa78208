import KubeAPI

/// A minimal OpenAPI v3 for kubectl: `/openapi/v3` lists one document per group-version,
/// and each document has, for every kind, the PATCH operation tagged with
/// `x-kubernetes-group-version-kind` and the `fieldValidation` parameter. That is what
/// kubectl 1.32 looks for to decide the server validates fields itself (so `create`/`apply`
/// need no `--validate=false`); no schemas are served, so `kubectl apply` computes strategic
/// merge patches from its compiled-in types (JSON merge patches for custom resources), as it
/// does against servers without schemas. `/openapi/v2` answers 404.
struct OpenAPI {
    let store: ObjectStore

    func answer(path: String) -> SimResponse {
        if path == "/openapi/v3" { return .json(200, index()) }
        guard path.hasPrefix("/openapi/v3/") else { return .status(Status.pathNotFound()) }
        let groupVersion = String(path.dropFirst("/openapi/v3/".count))
        let definitions = store.definitions.filter { OpenAPI.documentPath($0.resource) == groupVersion }
        guard !definitions.isEmpty else { return .status(Status.pathNotFound()) }
        return .json(200, document(definitions))
    }

    static func documentPath(_ resource: GroupVersionResource) -> String {
        resource.group.isEmpty ? "api/\(resource.version)" : "apis/\(resource.group)/\(resource.version)"
    }

    private func index() -> [UInt8] {
        var paths = JSONObject()
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for definition in store.definitions {
            let path = OpenAPI.documentPath(definition.resource)
            if groups[path] == nil { order.append(path) }
            groups[path, default: []].append(definition.resource.resource)
        }
        for path in order {
            // The hash changes when a resource is added, so kubectl's cache refetches.
            var hash: UInt64 = 14_695_981_039_346_656_037
            for byte in groups[path]!.joined(separator: ",").utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            let hex = String(hash, radix: 16, uppercase: true)
            paths[path] = .object(JSONObject([("serverRelativeURL", .string("/openapi/v3/\(path)?hash=\(hex)"))]))
        }
        return JSONValue.object(JSONObject([("paths", .object(paths))])).encoded
    }

    private func document(_ definitions: [ResourceDefinition]) -> [UInt8] {
        var paths = JSONObject()
        for definition in definitions {
            let resource = definition.resource
            let scope = definition.namespaced ? "/namespaces/{namespace}" : ""
            let itemPath = "\(resource.apiPath)\(scope)/\(resource.resource)/{name}"
            let gvk = JSONValue.object(JSONObject([
                ("group", .string(resource.group)), ("version", .string(resource.version)), ("kind", .string(definition.kind)),
            ]))
            let fieldValidation = JSONValue.object(JSONObject([
                ("name", .string("fieldValidation")), ("in", .string("query")),
                ("schema", .object(JSONObject([("type", .string("string")), ("uniqueItems", .bool(true))]))),
            ]))
            let patch = JSONObject([
                ("operationId", .string("patch\(definition.kind)")),
                ("parameters", .array([fieldValidation])),
                ("responses", .object(JSONObject([("200", .object(JSONObject([("description", .string("OK"))])))]))),
                ("x-kubernetes-action", .string("patch")),
                ("x-kubernetes-group-version-kind", gvk),
            ])
            paths[itemPath] = .object(JSONObject([("patch", .object(patch))]))
        }
        return JSONValue.object(JSONObject([
            ("openapi", .string("3.0.0")),
            ("info", .object(JSONObject([("title", .string("Kubernetes")), ("version", .string("v1.32.0"))]))),
            ("paths", .object(paths)),
            ("components", .object(JSONObject([("schemas", .object(JSONObject()))]))),
        ])).encoded
    }
}
