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
    /// A custom resource's `selectableFields` (JSON paths such as `spec.color`); built-in kinds
    /// take theirs from KubeAPI's `SelectableFields`.
    var customFieldLabels: [String] = []
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

    /// Every field a field selector may name for this resource (after aliases), sorted: the
    /// index of a field here is the index of its value in `StoredObject.fieldValues`.
    var fieldLabels: [String] {
        let extra = isCustom ? customFieldLabels : (SelectableFields.fields(for: resource) ?? [])
        return Array(Set(["metadata.name", "metadata.namespace"] + extra)).sorted()
    }

    /// Where a field's value lives in an object and what it reads as when absent, as the API
    /// server's `GetAttrs` renders it.
    func valueSource(of field: String) -> SelectableFields.ValueSource {
        if isCustom {
            return SelectableFields.ValueSource(paths: [field.split(separator: ".").map(String.init)])
        }
        return SelectableFields.valueSource(of: field, for: resource)
    }
}
