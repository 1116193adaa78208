/// A resource as discovery describes it (`metav1.APIResource`): where it is served, what kind
/// its objects are, whether it is namespaced and which verbs it supports.
///
/// kcache caches a resource only when its verbs include both `list` and `watch`, and needs
/// its kind to give LIST items back their `kind`/`apiVersion` and to name list bodies.
public struct APIResource: Hashable, Sendable, CustomStringConvertible {
    public var groupVersionResource: GroupVersionResource
    public var kind: String
    public var singularName: String
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]
    /// Field paths a field selector may use besides `metadata.name` and `metadata.namespace`,
    /// when known (built-in kinds from the API server's tables, custom resources from their
    /// definition's `selectableFields`); nil when kcache does not know them.
    public var selectableFields: [String]?
    /// Custom resources keep `kind`/`apiVersion` on LIST items and answer DELETE with the
    /// object; built-in kinds do neither.
    public var isCustomResource: Bool

    public init(
        groupVersionResource: GroupVersionResource, kind: String, singularName: String = "",
        namespaced: Bool, verbs: [String] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        shortNames: [String] = [], selectableFields: [String]? = nil, isCustomResource: Bool = false
    ) {
        self.groupVersionResource = groupVersionResource
        self.kind = kind
        self.singularName = singularName.isEmpty ? kind.lowercased() : singularName
        self.namespaced = namespaced
        self.verbs = verbs
        self.shortNames = shortNames
        self.selectableFields = selectableFields
        self.isCustomResource = isCustomResource
    }

    public var groupVersionKind: GroupVersionKind {
        GroupVersionKind(group: groupVersionResource.group, version: groupVersionResource.version, kind: kind)
    }

    /// The `apiVersion` of its objects.
    public var apiVersion: String { groupVersionResource.groupVersion }

    /// The `kind` of its list bodies (`PodList`).
    public var listKind: String { kind + "List" }

    /// True when discovery lists both `list` and `watch`: the condition for caching it.
    public var isListWatchable: Bool { verbs.contains("list") && verbs.contains("watch") }

    public var description: String { groupVersionResource.description }
}
