/// A resource of the Kubernetes API: group, version and plural resource name
/// (`""`/`v1`/`pods`, `apps`/`v1`/`deployments`).
///
/// The core group is the empty string, served under `/api/v1`; every other group under
/// `/apis/<group>/<version>`. `groupResource` is the `resource.group` spelling kubectl and
/// `--resources` use (`pods`, `deployments.apps`).
public struct GroupVersionResource: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    /// `"v1"` for the core group, `"group/version"` otherwise: the `apiVersion` of its objects.
    public var groupVersion: String {
        group.isEmpty ? version : "\(group)/\(version)"
    }

    /// The path prefix the resource is served under: `/api/v1` or `/apis/<group>/<version>`.
    public var apiPath: String {
        group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
    }

    /// `resource` for the core group, `resource.group` otherwise.
    public var groupResource: String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    public var description: String { "\(groupResource)/\(version)" }
}

/// The kind of an object together with its group and version, as an object's `apiVersion` and
/// `kind` fields state it.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// The `apiVersion` field value: `"v1"` or `"group/version"`.
    public var apiVersion: String {
        group.isEmpty ? version : "\(group)/\(version)"
    }

    /// The kind of a list of these objects (`PodList`).
    public var listKind: String { kind + "List" }

    public var description: String { "\(apiVersion), Kind=\(kind)" }
}
