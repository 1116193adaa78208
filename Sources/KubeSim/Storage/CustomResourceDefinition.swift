import KubeAPI

/// The custom resource a test installs at run time, as a CustomResourceDefinition would.
public struct CustomResourceDefinition: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    /// JSON paths (`spec.color`) usable in field selectors, as the CRD's `selectableFields`.
    public var selectableFields: [String]
    /// Serve a `/status` subresource (status changes only through it; generation on spec).
    public var hasStatusSubresource: Bool

    public init(
        group: String, version: String, kind: String, plural: String, singular: String? = nil,
        namespaced: Bool = true, shortNames: [String] = [], selectableFields: [String] = [],
        hasStatusSubresource: Bool = false
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.selectableFields = selectableFields
        self.hasStatusSubresource = hasStatusSubresource
    }

    /// The CRD's resource, for requests and the in-process object API.
    public var resource: GroupVersionResource {
        GroupVersionResource(group: group, version: version, resource: plural)
    }

    var definition: ResourceDefinition {
        ResourceDefinition(
            resource: resource, kind: kind, singularName: singular, namespaced: namespaced,
            shortNames: shortNames, categories: ["all"], isCustom: true,
            customFieldLabels: selectableFields.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }.sorted(),
            subresources: hasStatusSubresource ? ["status"] : [],
            deleteReturnsObject: true, hasGeneration: true)
    }
}
