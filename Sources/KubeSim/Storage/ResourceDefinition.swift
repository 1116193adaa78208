import KubeAPI

/// Everything KubeSim knows about one resource it serves: names for discovery, scope, the
/// field labels its field selectors accept, and the per-kind rules of its REST strategy
/// (what DELETE answers, whether `metadata.generation` is kept, which subresources exist).
///
/// Immutable value; the catalog of definitions lives in `ObjectStore` and grows when a test
/// installs a custom resource.
struct ResourceDefinition: Sendable {
    var resource: GroupVersionResource
    var kind: String
    var singularName: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    var verbs: [String] = ResourceDefinition.allVerbs
    /// A custom resource: LIST items keep `kind`/`apiVersion`, objects encode with sorted keys
    /// (the API server's unstructured encoding), DELETE answers the object.
    var isCustom = false
    /// Field labels beyond `metadata.name` and `metadata.namespace`, sorted.
    var extraFieldLabels: [String] = []
    /// Aliases of field labels (`spec.host` → `spec.nodeName`).
    var fieldAliases: [String: String] = [:]
    /// The JSON path a field label reads when it is not the label itself (`source` →
    /// `source.component` for events).
    var fieldValuePaths: [String: String] = [:]
    /// Field labels whose absent value reads as `false` rather than `""` (Go bools).
    var booleanFields: Set<String> = []
    /// Subresources served (`status`, `scale`, `log`).
    var subresources: [String] = []
    /// DELETE answers the deleted object instead of a `Status` (`ReturnDeletedObject`).
    var deleteReturnsObject = false
    /// The server maintains `metadata.generation` (bumped on spec changes).
    var hasGeneration = false

    static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    var groupVersionKind: GroupVersionKind {
        GroupVersionKind(group: resource.group, version: resource.version, kind: kind)
    }

    var apiVersion: String { resource.groupVersion }

    /// Every field label the resource's field selectors accept, sorted: the index of a label in
    /// this array is the index of its value in `StoredObject.fieldValues`.
    var fieldLabels: [String] {
        (["metadata.name", "metadata.namespace"] + extraFieldLabels).sorted()
    }

    /// The label a selector's key means, after aliases; nil when unsupported.
    func canonicalFieldLabel(_ label: String) -> String? {
        let resolved = fieldAliases[label] ?? label
        return fieldLabels.contains(resolved) ? resolved : nil
    }
}
