import KubeAPI

extension CachedObject {
    /// The version of what `init(json:resource:)` extracts from an object (which metadata,
    /// how labels and selectable fields are read). A snapshot stores it beside each object's
    /// extracted metadata and parses the JSON again when it differs, so **bump it whenever
    /// that extraction changes** and old snapshots never bring back stale metadata.
    public static let metadataExtractionVersion: Int = 1

    /// Rebuilds an object from its bytes and the metadata `init(json:resource:)` extracted from
    /// them when it was first cached, as a snapshot saved them: a restart then skips parsing
    /// (metadata and selectable fields are most of a restore's work).
    ///
    /// - Parameters:
    ///   - metadataOffsets: the `metadata` value's range relative to `bytes.startIndex`.
    ///   - fieldValues: aligned with the `fieldPaths` of the resource the object belongs to.
    /// - Precondition: the metadata was extracted from these bytes under the current
    ///   `metadataExtractionVersion`, for a resource with the same `fieldPaths`;
    ///   `metadataOffsets` lies within `bytes`.
    public convenience init(
        restoring bytes: ArraySlice<UInt8>, key: ObjectKey, uid: String, resourceVersion: ResourceVersion,
        labels: Labels, fieldValues: [String?], metadataOffsets: Range<Int>, isTerminating: Bool
    ) {
        precondition(metadataOffsets.lowerBound >= 0 && metadataOffsets.upperBound <= bytes.count)
        let base = bytes.startIndex
        self.init(
            key: key, bytes: bytes, uid: uid, resourceVersion: resourceVersion, labels: labels,
            fieldValues: fieldValues,
            metadataRange: (base + metadataOffsets.lowerBound)..<(base + metadataOffsets.upperBound),
            isTerminating: isTerminating)
    }
}
