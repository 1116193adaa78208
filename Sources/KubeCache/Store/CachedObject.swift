import KubeAPI

/// One object as the cache holds it: the upstream's JSON bytes, untouched but for `kind` and
/// `apiVersion` restored on LIST items, plus the metadata that reads need without parsing them.
///
/// Immutable and shared: the same `CachedObject` sits in the store, in every snapshot that
/// still contains it, and in the events of the history, so a LIST, a GET and a watch event all
/// write the same bytes. When the object arrived in a watch event, `bytes` is a slice of that
/// event's encoded line, so the object costs one allocation in memory, not two.
public final class CachedObject: Sendable {
    public let key: ObjectKey
    /// The object's JSON, with `kind` and `apiVersion`.
    public let bytes: ArraySlice<UInt8>
    public let uid: String
    public let resourceVersion: ResourceVersion
    public let labels: Labels
    /// `LabelSummary.of(labels)`: the store keeps it beside the object for selector scans.
    public let labelSummary: UInt64
    /// Values of the resource's selectable fields, aligned with `CachedResource.fieldPaths`,
    /// absent fields already given the value the API server compares (`""`, `"false"`, `"0"`).
    public let fieldValues: [String?]
    /// Byte range of the `metadata` object's value within `bytes` (indices of `bytes`).
    public let metadataRange: Range<Int>
    /// True when `metadata.deletionTimestamp` is set (the object is being finalized).
    public let isTerminating: Bool
    /// Index in `bytes` after a leading `"kind":…,"apiVersion":…,` (see `listItemBody`).
    let listItemStart: Int?

    init(
        key: ObjectKey, bytes: ArraySlice<UInt8>, uid: String, resourceVersion: ResourceVersion,
        labels: Labels, fieldValues: [String?], metadataRange: Range<Int>, isTerminating: Bool
    ) {
        self.key = key
        self.bytes = bytes
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.labels = labels
        labelSummary = LabelSummary.of(labels)
        self.fieldValues = fieldValues
        self.metadataRange = metadataRange
        self.isTerminating = isTerminating
        listItemStart = Self.typeMetaEnd(of: bytes)
    }

    /// The object's `metadata` JSON, for `PartialObjectMetadata` answers.
    public var metadataBytes: ArraySlice<UInt8> { bytes[metadataRange] }

    /// The number of bytes this object keeps alive, for `--max-cache-bytes` accounting.
    public var footprint: Int { bytes.count + 200 }
}

extension CachedObject: ScanSummarizable {
    public var scanSummary: UInt64 { labelSummary }
}

extension CachedObject {
    /// Reads an object's metadata and selectable fields from its JSON (one scan).
    ///
    /// `bytes` may be a slice of a larger buffer (an encoded watch event); it must hold exactly
    /// one JSON object. The object must name itself (`metadata.name`) and carry a
    /// `resourceVersion`; objects without either are rejected as malformed, as nothing could
    /// order or find them.
    ///
    /// - Throws: `CacheError.malformedObject` with the reason.
    public convenience init(json bytes: ArraySlice<UInt8>, resource: CachedResource) throws(CacheError) {
        let parsed = try Self.parse(bytes, resource: resource)
        try self.init(bytes: bytes, parsed: parsed, resource: resource)
    }

    /// An object's metadata and the raw values at its resource's JSON paths.
    struct Parsed {
        /// Ranges are indices of the parsed bytes.
        var metadata: ObjectMetadata
        var jsonValues: [String?]

        /// The same, for the bytes moved by `offset`.
        func shifted(by offset: Int) -> Parsed {
            var copy = self
            let range = metadata.metadataRange
            copy.metadata.metadataRange = (range.lowerBound + offset)..<(range.upperBound + offset)
            return copy
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>, resource: CachedResource) throws(CacheError) -> Parsed {
        do {
            let (metadata, values) = try ObjectJSON.metadata(of: bytes, fieldValues: resource.compiledPaths)
            return Parsed(metadata: metadata, jsonValues: values)
        } catch {
            throw .malformedObject("\(error)")
        }
    }

    /// An object from bytes already read (`parsed` ranges are indices of `bytes`).
    convenience init(bytes: ArraySlice<UInt8>, parsed: Parsed, resource: CachedResource) throws(CacheError) {
        let metadata = parsed.metadata
        guard !metadata.name.isEmpty else { throw .malformedObject("metadata.name is missing") }
        guard let resourceVersion = metadata.resourceVersion else {
            throw .malformedObject("metadata.resourceVersion of \(metadata.name) is missing or not a number")
        }
        self.init(
            key: ObjectKey(namespace: metadata.namespace, name: metadata.name),
            bytes: bytes, uid: metadata.uid, resourceVersion: resourceVersion, labels: metadata.labels,
            fieldValues: resource.fieldValues(fromJSONValues: parsed.jsonValues),
            metadataRange: metadata.metadataRange,
            isTerminating: metadata.deletionTimestamp != nil)
    }

    /// The value of a field selector's field for this object: `metadata.name` and
    /// `metadata.namespace` from the key, the rest from the precomputed selectable fields.
    /// Returns nil when the object lacks the field (a field selector treats that as "").
    public func fieldValue(_ path: String, in resource: CachedResource) -> String? {
        switch path {
        case "metadata.name": return key.name
        case "metadata.namespace": return key.namespace
        default:
            guard let index = resource.fieldIndex(of: path) else { return nil }
            return fieldValues[index]
        }
    }
}
