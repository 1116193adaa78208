import KubeAPI

/// What the cache knows about one resource besides its objects: its discovery description and
/// the selectable fields it precomputes for every object.
///
/// Field selectors are answered from the cache only for fields listed here (`metadata.name`,
/// `metadata.namespace`, and `fieldPaths`); a selector on any other field goes upstream, which
/// decides whether it is supported.
public struct CachedResource: Sendable, Hashable {
    public let apiResource: APIResource
    /// Field paths whose values each `CachedObject` carries in `fieldValues`, in this order.
    public let fieldPaths: [String]
    private let fieldIndices: [String: Int]

    public init(_ apiResource: APIResource) {
        self.apiResource = apiResource
        let known = apiResource.selectableFields
            ?? SelectableFields.fields(for: apiResource.groupVersionResource)
            ?? []
        fieldPaths = known.filter { $0 != "metadata.name" && $0 != "metadata.namespace" }
        fieldIndices = Dictionary(uniqueKeysWithValues: fieldPaths.enumerated().map { ($1, $0) })
    }

    public var groupVersionResource: GroupVersionResource { apiResource.groupVersionResource }

    /// Index of `path` in `fieldPaths`, or nil when objects don't carry it.
    public func fieldIndex(of path: String) -> Int? { fieldIndices[path] }

    /// True when a field selector on `path` can be evaluated from cached metadata.
    public func canSelect(field path: String) -> Bool {
        path == "metadata.name" || path == "metadata.namespace" || fieldIndices[path] != nil
    }

    /// The index of `spec.nodeName` when the resource has one (pods): the store keeps a
    /// node-name index for it, because kubelets and node-scoped controllers list by it.
    public var nodeNameFieldIndex: Int? { fieldIndices["spec.nodeName"] }
}
