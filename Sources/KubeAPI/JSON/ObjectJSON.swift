/// Reads and makes the two permitted edits to one Kubernetes object held as raw JSON bytes
/// (DESIGN.md invariant 1): metadata and field values in one pass, `kind`/`apiVersion` back
/// onto LIST items, and a deletion's resourceVersion onto `DELETED` events.
///
/// Contract shared by every function here:
/// - The whole input is validated (see `JSONScanner`); malformed JSON, a top-level value
///   that is not an object, trailing bytes, nesting beyond 512 levels, and fields the reader
///   interprets holding the wrong type all throw `JSONError` (typed throws). Nothing traps.
/// - Duplicate keys resolve as Go's `encoding/json` resolves them when decoding into the API
///   types: the last occurrence of a scalar wins; a repeated object (`metadata`, `labels`)
///   merges into the earlier one, and `"labels":null` clears it.
/// - Ranges in results index the input: for an `ArraySlice` they are the slice's indices.
/// - Reading allocates only the returned strings and label array; edits allocate the one
///   output array, copying untouched bytes verbatim.
public enum ObjectJSON {
    /// One pass over an object's JSON: its type meta and the metadata the cache indexes.
    ///
    /// - Throws: `JSONError` on malformed JSON or a non-object (see the type's contract).
    public static func metadata(of bytes: UnsafeRawBufferPointer) throws(JSONError) -> ObjectMetadata {
        var unused: [String?] = []
        return try read(bytes, fieldPaths: nil, into: &unused)
    }

    /// Metadata and field values in one pass: what the cache reads from every object it
    /// stores. Same results as `metadata(of:)` and `fieldValues(_:in:)` called separately, at
    /// about the cost of one of them.
    ///
    /// - Throws: `JSONError` on malformed JSON or a non-object (see the type's contract).
    public static func metadata(
        of bytes: UnsafeRawBufferPointer, fieldValues paths: FieldPaths
    ) throws(JSONError) -> (metadata: ObjectMetadata, fieldValues: [String?]) {
        var values = [String?](repeating: nil, count: paths.paths.count)
        let metadata = try read(bytes, fieldPaths: paths, into: &values)
        return (metadata, values)
    }

    private static func read(
        _ bytes: UnsafeRawBufferPointer, fieldPaths paths: FieldPaths?, into values: inout [String?]
    ) throws(JSONError) -> ObjectMetadata {
        var scanner = JSONScanner(bytes)
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.notAnObject, at: scanner.position)
        }
        try scanner.enterContainer(depth: 1)
        var result = ObjectMetadata()
        var labels = LabelAccumulator()
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            let pathNode = paths?.child(of: 0, matching: key, in: scanner)
            let isMetadata = scanner.equals(key, "metadata")
            let isKind = !isMetadata && scanner.equals(key, "kind")
            let isAPIVersion = !isMetadata && !isKind && scanner.equals(key, "apiVersion")
            if let pathNode, let paths {
                guard isMetadata || isKind || isAPIVersion else {
                    try collectMember(&scanner, node: pathNode, paths: paths, depth: 1, into: &values)
                    continue
                }
                // Paths into a member this function also reads: walk the value twice.
                var copy = scanner
                try collectMember(&copy, node: pathNode, paths: paths, depth: 1, into: &values)
            }
            if isMetadata {
                if try scanner.consumeNull() { continue }
                let start = scanner.position
                try readObjectMeta(&scanner, into: &result, labels: &labels)
                result.metadataRange = start..<scanner.position
            } else if isKind {
                if let kind = try scanner.readString() { result.kind = kind }
            } else if isAPIVersion {
                if let apiVersion = try scanner.readString() { result.apiVersion = apiVersion }
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.finish()
        result.labels = labels.labels
        return result
    }

    public static func metadata(of bytes: [UInt8]) throws(JSONError) -> ObjectMetadata {
        try withBytes(bytes) { (raw) throws(JSONError) in try metadata(of: raw) }
    }

    public static func metadata(of bytes: ArraySlice<UInt8>) throws(JSONError) -> ObjectMetadata {
        let result = try withBytes(bytes) { (raw) throws(JSONError) in try metadata(of: raw) }
        return shifted(result, by: bytes.startIndex)
    }

    public static func metadata(
        of bytes: [UInt8], fieldValues paths: FieldPaths
    ) throws(JSONError) -> (metadata: ObjectMetadata, fieldValues: [String?]) {
        try withBytes(bytes) { (raw) throws(JSONError) in try metadata(of: raw, fieldValues: paths) }
    }

    public static func metadata(
        of bytes: ArraySlice<UInt8>, fieldValues paths: FieldPaths
    ) throws(JSONError) -> (metadata: ObjectMetadata, fieldValues: [String?]) {
        let result = try withBytes(bytes) { (raw) throws(JSONError) in try metadata(of: raw, fieldValues: paths) }
        return (shifted(result.metadata, by: bytes.startIndex), result.fieldValues)
    }

    /// `metadata` with its range moved into a slice's index space.
    private static func shifted(_ metadata: ObjectMetadata, by offset: Int) -> ObjectMetadata {
        guard offset != 0, !metadata.metadataRange.isEmpty else { return metadata }
        var result = metadata
        result.metadataRange = metadata.metadataRange.lowerBound + offset..<metadata.metadataRange.upperBound + offset
        return result
    }

    /// Reads the `metadata` object under the cursor (depth 2) into `result`.
    private static func readObjectMeta(
        _ scanner: inout JSONScanner, into result: inout ObjectMetadata, labels: inout LabelAccumulator
    ) throws(JSONError) {
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.typeMismatch, at: scanner.position)
        }
        try scanner.enterContainer(depth: 2)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            // Ordered by how often the keys occur in real objects' metadata.
            if scanner.equals(key, "name") {
                if let name = try scanner.readString() { result.name = name }
            } else if scanner.equals(key, "namespace") {
                if let namespace = try scanner.readString() { result.namespace = namespace }
            } else if scanner.equals(key, "uid") {
                if let uid = try scanner.readString() { result.uid = uid }
            } else if scanner.equals(key, "resourceVersion") {
                result.resourceVersion = try scanner.readResourceVersion()
            } else if scanner.equals(key, "labels") {
                try labels.read(&scanner)
            } else if scanner.equals(key, "generateName") {
                if let generateName = try scanner.readString() { result.generateName = generateName }
            } else if scanner.equals(key, "deletionTimestamp") {
                result.deletionTimestamp = try scanner.readString()
            } else {
                try scanner.skipValue(depth: 2)
            }
        }
    }

    /// Runs `body` over the bytes of an array or slice, keeping the error's type.
    static func withBytes<Result>(
        _ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws(JSONError) -> Result
    ) throws(JSONError) -> Result {
        func attempt(_ raw: UnsafeRawBufferPointer) -> Swift.Result<Result, JSONError> {
            do throws(JSONError) {
                return .success(try body(raw))
            } catch {
                return .failure(error)
            }
        }
        let outcome = bytes.withContiguousStorageIfAvailable { attempt(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { attempt($0) }
        return try outcome.get()
    }
}

/// Collects label pairs across (possibly repeated) `labels` objects with Go's merge semantics.
private struct LabelAccumulator {
    var pairs: [Labels.Pair] = []

    mutating func read(_ scanner: inout JSONScanner) throws(JSONError) {
        if try scanner.consumeNull() {
            pairs.removeAll()
            return
        }
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.typeMismatch, at: scanner.position)
        }
        try scanner.enterContainer(depth: 3)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            // Go stores a null map value as the zero value: the label is present and empty.
            let value = try scanner.readStringOrNull()
            pairs.append(Labels.Pair(key: scanner.string(key), value: value.map { scanner.string($0) } ?? ""))
        }
    }

    var labels: Labels {
        pairs.isEmpty ? Labels() : Labels(unsortedPairs: pairs)
    }
}
