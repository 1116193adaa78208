import KubeAPI

/// Aggregated discovery (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`): `/api` answers
/// the core group, `/apis` every other group, each resource with its scope, kind, verbs,
/// short names, categories and subresources, all in one document.
extension Discovery {
    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    func aggregatedList(core: Bool) -> SimResponse {
        let definitions = store.definitions.filter { $0.resource.group.isEmpty == core }
        var groupNames: [String] = []
        for definition in definitions where !groupNames.contains(definition.resource.group) {
            groupNames.append(definition.resource.group)
        }
        var items: [JSONValue] = []
        for name in groupNames {
            var versionNames: [String] = []
            for definition in definitions where definition.resource.group == name && !versionNames.contains(definition.resource.version) {
                versionNames.append(definition.resource.version)
            }
            let versions: [JSONValue] = versionNames.map { version in
                let resources = definitions
                    .filter { $0.resource.group == name && $0.resource.version == version }
                    .map { JSONValue.object(aggregatedResource($0)) }
                return .object(JSONObject([
                    ("version", .string(version)), ("resources", .array(resources)), ("freshness", .string("Current")),
                ]))
            }
            let metadata = name.isEmpty ? JSONObject([("creationTimestamp", .null)]) : JSONObject([("name", .string(name)), ("creationTimestamp", .null)])
            items.append(.object(JSONObject([("metadata", .object(metadata)), ("versions", .array(versions))])))
        }
        let document = JSONObject([
            ("kind", .string("APIGroupDiscoveryList")), ("apiVersion", .string("apidiscovery.k8s.io/v2")),
            ("metadata", .object(JSONObject())), ("items", .array(items)),
        ])
        return .full(status: 200, headers: [("Content-Type", Discovery.aggregatedContentType)], body: JSONValue.object(document).encoded)
    }

    private func aggregatedResource(_ definition: ResourceDefinition) -> JSONObject {
        func kind(_ name: String) -> JSONValue {
            .object(JSONObject([
                ("group", .string(definition.resource.group)), ("version", .string(definition.resource.version)),
                ("kind", .string(name)),
            ]))
        }
        var entry = JSONObject([
            ("resource", .string(definition.resource.resource)),
            ("responseKind", kind(definition.kind)),
            ("scope", .string(definition.namespaced ? "Namespaced" : "Cluster")),
            ("singularResource", .string(definition.singularName)),
            ("verbs", .array(definition.verbs.map(JSONValue.string))),
        ])
        if !definition.shortNames.isEmpty { entry["shortNames"] = .array(definition.shortNames.map(JSONValue.string)) }
        if !definition.categories.isEmpty { entry["categories"] = .array(definition.categories.map(JSONValue.string)) }
        if !definition.subresources.isEmpty {
            entry["subresources"] = .array(definition.subresources.map { subresource in
                .object(JSONObject([
                    ("subresource", .string(subresource)),
                    ("responseKind", kind(Discovery.subresourceKind(subresource, definition: definition))),
                    ("verbs", .array(Discovery.subresourceVerbs(subresource).map(JSONValue.string))),
                ]))
            })
        }
        return entry
    }
}
