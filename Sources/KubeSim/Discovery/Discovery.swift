import KubeAPI

/// The discovery documents: `/version`, `/api`, `/api/v1`, `/apis`, `/apis/<g>`,
/// `/apis/<g>/<v>`, in both the legacy shapes (APIVersions, APIGroupList, APIGroup,
/// APIResourceList) and aggregated discovery (`apidiscovery.k8s.io/v2` APIGroupDiscoveryList,
/// when the client's Accept asks for it, as kubectl 1.32 does), plus health endpoints and the
/// OpenAPI answers. Built from the store's current definitions, so a custom resource added at
/// run time appears at once. Value type; pure apart from reading the store.
struct Discovery {
    let store: ObjectStore

    /// The answer for a non-resource path, or nil when the path is a resource path.
    func answer(_ request: SimRequest) -> SimResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        let path = request.path.hasSuffix("/") && request.path.count > 1 ? String(request.path.dropLast()) : request.path
        let aggregated = (request.header("accept") ?? "").contains("as=APIGroupDiscoveryList")
        switch path {
        case "/healthz", "/livez", "/readyz":
            return .full(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("ok".utf8))
        case "/version":
            return .json(200, Array(Discovery.version.utf8))
        case "/api":
            return aggregated ? aggregatedList(core: true) : .json(200, Array(#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]}"#.utf8))
        case "/apis":
            return aggregated ? aggregatedList(core: false) : .json(200, groupList())
        case "/openapi/v2", "/openapi/v3":
            return OpenAPI(store: store).answer(path: path)
        default:
            break
        }
        if path.hasPrefix("/openapi/v3/") {
            return OpenAPI(store: store).answer(path: path)
        }
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 2, parts[0] == "api" {
            return resourceList(group: "", version: parts[1])
        }
        if parts.count == 2, parts[0] == "apis" {
            let versions = groups()[parts[1]]
            guard let versions else { return .status(Status.pathNotFound()) }
            var out: [UInt8] = Array(#"{"kind":"APIGroup","apiVersion":"v1","#.utf8)
            appendGroupBody(name: parts[1], versions: versions, to: &out)
            out.append(UInt8(ascii: "}"))
            return .json(200, out)
        }
        if parts.count == 3, parts[0] == "apis" {
            return resourceList(group: parts[1], version: parts[2])
        }
        return nil
    }

    static let version = #"{"major":"1","minor":"32","gitVersion":"v1.32.0","gitCommit":"kubesim","gitTreeState":"clean","buildDate":"2024-12-11T00:00:00Z","goVersion":"go1.23.3","compiler":"gc","platform":"linux/amd64"}"#

    /// Non-core groups and their versions, in registration order.
    private func groups() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for definition in store.definitions where !definition.resource.group.isEmpty {
            if !(result[definition.resource.group] ?? []).contains(definition.resource.version) {
                result[definition.resource.group, default: []].append(definition.resource.version)
            }
        }
        return result
    }

    private func orderedGroupNames() -> [String] {
        var names: [String] = []
        for definition in store.definitions where !definition.resource.group.isEmpty && !names.contains(definition.resource.group) {
            names.append(definition.resource.group)
        }
        return names
    }

    /// `/apis` as an APIGroupList: every non-core group with its versions, first preferred.
    private func groupList() -> [UInt8] {
        let groups = groups()
        var out: [UInt8] = Array(#"{"kind":"APIGroupList","apiVersion":"v1","groups":["#.utf8)
        for (index, name) in orderedGroupNames().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            appendGroupBody(name: name, versions: groups[name] ?? [], to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    private func appendGroupBody(name: String, versions: [String], to out: inout [UInt8]) {
        out.append(contentsOf: #""name":"#.utf8)
        JSONString.append(name, to: &out)
        out.append(contentsOf: #","versions":["#.utf8)
        for (index, version) in versions.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"groupVersion":"\#(name)/\#(version)","version":"\#(version)"}"#.utf8)
        }
        out.append(contentsOf: #"],"preferredVersion":{"groupVersion":"\#(name)/\#(versions.first ?? "v1")","version":"\#(versions.first ?? "v1")"}"#.utf8)
    }

    /// `/api/v1` or `/apis/<g>/<v>` as an APIResourceList: each resource, then its
    /// subresources as `resource/sub` entries (the core list has no `apiVersion`, as served).
    private func resourceList(group: String, version: String) -> SimResponse {
        let definitions = store.definitions.filter { $0.resource.group == group && $0.resource.version == version }
        guard !definitions.isEmpty else { return .status(Status.pathNotFound()) }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        var out: [UInt8] = Array(#"{"kind":"APIResourceList","#.utf8)
        if !group.isEmpty { out.append(contentsOf: #""apiVersion":"v1","#.utf8) }
        out.append(contentsOf: #""groupVersion":"\#(groupVersion)","resources":["#.utf8)
        var first = true
        for definition in definitions {
            var entries: [JSONObject] = [resourceEntry(definition)]
            for subresource in definition.subresources {
                entries.append(JSONObject([
                    ("name", .string("\(definition.resource.resource)/\(subresource)")),
                    ("singularName", .string("")),
                    ("namespaced", .bool(definition.namespaced)),
                    ("kind", .string(Discovery.subresourceKind(subresource, definition: definition))),
                    ("verbs", .array(Discovery.subresourceVerbs(subresource).map(JSONValue.string))),
                ]))
            }
            for entry in entries {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                entry.write(to: &out)
            }
        }
        out.append(contentsOf: "]}".utf8)
        return .json(200, out)
    }

    private func resourceEntry(_ definition: ResourceDefinition) -> JSONObject {
        var entry = JSONObject([
            ("name", .string(definition.resource.resource)),
            ("singularName", .string(definition.singularName)),
            ("namespaced", .bool(definition.namespaced)),
            ("kind", .string(definition.kind)),
            ("verbs", .array(definition.verbs.map(JSONValue.string))),
        ])
        if !definition.shortNames.isEmpty { entry["shortNames"] = .array(definition.shortNames.map(JSONValue.string)) }
        if !definition.categories.isEmpty { entry["categories"] = .array(definition.categories.map(JSONValue.string)) }
        return entry
    }

    static func subresourceKind(_ subresource: String, definition: ResourceDefinition) -> String {
        switch subresource {
        case "scale": "Scale"
        case "log": "Pod"
        default: definition.kind
        }
    }

    static func subresourceVerbs(_ subresource: String) -> [String] {
        switch subresource {
        case "log": ["get"]
        case "finalize": ["update"]
        default: ["get", "patch", "update"]
        }
    }
}
