import KubeAPI

/// A request for a resource, decoded from its path and method as the API server's
/// `RequestInfoFactory` does: `/api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]`
/// and the same under `/apis/<group>/<version>`, plus the deprecated `/watch/` prefix.
///
/// Seam to KubeAPI's `RequestInfo(method:uri:)`: the field names are the same, so the switch
/// to it is mechanical once it lands on main.
struct ResourceRequest: Sendable {
    var verb: String
    var group: String
    var version: String
    var namespace: String?
    var resource: String
    var name: String?
    var subresource: String?

    var groupVersionResource: GroupVersionResource {
        GroupVersionResource(group: group, version: version, resource: resource)
    }

    init(verb: String, resource: GroupVersionResource, namespace: String?, name: String?, subresource: String? = nil) {
        self.verb = verb
        group = resource.group
        version = resource.version
        self.resource = resource.resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    /// Parses a resource path; nil when the path is not a resource path (discovery and
    /// non-resource URLs are routed elsewhere).
    init?(method: String, path: String, query: (String) -> String?) {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3 else { return nil }
        if parts[0] == "api" {
            group = ""
            version = parts[1]
            parts.removeFirst(2)
        } else if parts[0] == "apis", parts.count >= 4 {
            group = parts[1]
            version = parts[2]
            parts.removeFirst(3)
        } else {
            return nil
        }
        var isWatchPath = false
        if parts.first == "watch" {
            isWatchPath = true
            parts.removeFirst()
        }
        guard !parts.isEmpty else { return nil }
        if parts[0] == "namespaces", parts.count >= 3, parts[2] != "status", parts[2] != "finalize" {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        resource = parts[0]
        name = parts.count > 1 ? parts[1] : nil
        subresource = parts.count > 2 ? parts[2...].joined(separator: "/") : nil
        let watchParam = query("watch").map { $0 == "true" || $0 == "1" } ?? false
        switch method {
        case "GET", "HEAD":
            if isWatchPath || watchParam { verb = "watch" } else { verb = name == nil ? "list" : "get" }
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = name == nil ? "deletecollection" : "delete"
        default: verb = method.lowercased()
        }
    }
}
