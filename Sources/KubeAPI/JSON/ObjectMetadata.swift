/// What the cache needs to know about one object, read from its JSON by `ObjectJSON.metadata`.
///
/// Strings are decoded (escapes resolved); absent fields are `""`, `nil` or empty as noted.
/// `metadataRange` locates the `metadata` object's value in the bytes it was read from, so a
/// `PartialObjectMetadata` answer can copy those bytes verbatim instead of re-encoding them.
public struct ObjectMetadata: Hashable, Sendable {
    /// Top-level `apiVersion`, nil when absent (items of built-in LISTs lack it).
    public var apiVersion: String?
    /// Top-level `kind`, nil when absent.
    public var kind: String?
    /// `metadata.namespace`, `""` for cluster-scoped objects.
    public var namespace: String
    /// `metadata.name`, `""` when absent (objects being created with `generateName`).
    public var name: String
    public var generateName: String?
    /// `metadata.uid`, `""` when absent.
    public var uid: String
    /// `metadata.resourceVersion`; nil when absent, empty or not a decimal integer.
    public var resourceVersion: ResourceVersion?
    public var labels: Labels
    /// `metadata.deletionTimestamp` as written (RFC 3339), nil when absent or null.
    public var deletionTimestamp: String?
    /// Byte range of the `metadata` object's value (from `{` to `}` inclusive) in the input;
    /// empty (`0..<0`) when the object has no `metadata`, which callers render as `{}`.
    public var metadataRange: Range<Int>

    public init(
        apiVersion: String? = nil, kind: String? = nil, namespace: String = "", name: String = "",
        generateName: String? = nil, uid: String = "", resourceVersion: ResourceVersion? = nil,
        labels: Labels = Labels(), deletionTimestamp: String? = nil, metadataRange: Range<Int> = 0..<0
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.generateName = generateName
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.labels = labels
        self.deletionTimestamp = deletionTimestamp
        self.metadataRange = metadataRange
    }

    /// The object's key in its resource.
    public var key: ObjectKey { ObjectKey(namespace: namespace, name: name) }

    /// Whether the object is being deleted (has a `deletionTimestamp`).
    public var isDeleting: Bool { deletionTimestamp != nil }
}
