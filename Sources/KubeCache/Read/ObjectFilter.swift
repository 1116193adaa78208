import KubeAPI

/// Which objects a LIST or WATCH asks for: a namespace, label and field selectors.
///
/// Evaluated on cached metadata only (labels and precomputed selectable fields), never on the
/// object's bytes. A filter can only be built when every field its field selector names is
/// one the cache precomputes; otherwise the request must go upstream, which decides.
public struct ObjectFilter: Sendable {
    /// Empty for all namespaces (or a cluster-scoped resource).
    public let namespace: String
    public let labelSelector: LabelSelector
    public let fieldSelector: FieldSelector
    /// `LabelSummary.required(by: labelSelector)`: bits a matching object's summary has.
    public let labelSummary: UInt64
    let resource: CachedResource

    /// A filter for `resource`, or nil when the field selector uses a field the cache does not
    /// precompute for that resource.
    public init?(
        resource: CachedResource, namespace: String,
        labelSelector: LabelSelector = .everything, fieldSelector: FieldSelector = .everything
    ) {
        guard fieldSelector.fields.allSatisfy(resource.canSelect(field:)) else { return nil }
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        labelSummary = LabelSummary.required(by: labelSelector)
    }

    /// True when the request has neither a label nor a field selector (namespace aside): the
    /// API server then reports `remainingItemCount`.
    public var hasSelectors: Bool { !labelSelector.isEverything || !fieldSelector.isEverything }

    /// The single object name the field selector pins (`metadata.name=x`), if any.
    public var name: String? { fieldSelector.exactValue(of: "metadata.name") }

    /// The node the field selector pins (`spec.nodeName=x`), if any: answered from the index.
    public var nodeName: String? { fieldSelector.exactValue(of: "spec.nodeName") }

    public func matches(_ object: CachedObject) -> Bool {
        if !namespace.isEmpty && object.key.namespace != namespace { return false }
        if !labelSelector.isEverything && !labelSelector.matches(object.labels) { return false }
        if fieldSelector.isEverything { return true }
        return fieldSelector.matches { path in object.fieldValue(path, in: resource) }
    }
}
