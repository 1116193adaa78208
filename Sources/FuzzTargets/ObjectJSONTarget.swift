import KubeAPI

/// `ObjectJSON`: one object's metadata and selectable field values, and the two permitted
/// byte-level edits. Input: the object's JSON.
///
/// Invariants, beyond "no trap":
/// - `metadata(of:)` succeeds exactly when the input is RFC 8259 JSON (per the reference
///   parser), nests at most 512 deep, is an object and types its interpreted fields right,
///   and then returns what `ObjectMetadataModel` derives from the contract, `metadataRange`
///   included. The slice overload returns the same in the slice's indices.
/// - `fieldValues` and the one-pass `metadata(of:fieldValues:)` agree with the model and
///   with each other.
/// - `settingTypeMeta` and `settingResourceVersion` produce exactly the bytes
///   `ObjectEditModel` derives (so every other byte is kept), the result re-parses with the
///   new values and all other metadata unchanged, and a second application changes nothing.
/// - The reference parser agrees with Foundation (see `FoundationCheck`).
enum ObjectJSONTarget {
    /// Pods' selectable paths, plus paths that name metadata, a leading `.`, empty segments,
    /// a path that is also a prefix of another, and an array.
    static let paths = [
        "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
        "status.phase", "status.podIP", "status.nominatedNodeName", "metadata.name", "metadata.labels.app", "kind",
        ".spec.nodeName", "spec", "", "a..b", "status.conditions",
    ]
    static let compiledPaths = FieldPaths(paths)

    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let reference = ReferenceJSONParser.parse(bytes)
        try FoundationCheck.check(bytes, reference)
        let document: ReferenceJSON?
        switch reference {
        case .success(let parsed) where parsed.facts.maxDepth <= 512: document = parsed
        default: document = nil
        }
        try checkReading(bytes, document)
        try checkTypeMeta(bytes, document)
        try checkResourceVersion(bytes, document)
    }

    private static func checkReading(_ bytes: [UInt8], _ document: ReferenceJSON?) throws(InvariantViolation) {
        let ours = try? ObjectJSON.metadata(of: bytes)
        let expected = document.flatMap(ObjectMetadataModel.metadata(of:))
        try expect(ours == expected, "metadata(of:) = \(String(describing: ours)), expected \(String(describing: expected)) for \(show(bytes))")

        // The same bytes inside a larger buffer: ranges in the slice's indices.
        let padded = [UInt8(ascii: "[")] + bytes + [UInt8(ascii: "]")]
        let slice = padded[1..<(bytes.count + 1)]
        var shifted = expected
        if let range = expected?.metadataRange, !range.isEmpty {
            shifted?.metadataRange = (range.lowerBound + 1)..<(range.upperBound + 1)
        }
        try expect((try? ObjectJSON.metadata(of: slice)) == shifted, "metadata(of: slice) differs for \(show(bytes))")

        let values = try? ObjectJSON.fieldValues(compiledPaths, in: bytes)
        let isObject = document?.root.value.members != nil
        let expectedValues = isObject ? paths.map { ObjectMetadataModel.fieldValue($0, in: document!) } : nil
        try expect(values == expectedValues, "fieldValues = \(String(describing: values)), expected \(String(describing: expectedValues))")

        let combined = try? ObjectJSON.metadata(of: slice, fieldValues: compiledPaths)
        try expect(combined?.metadata == shifted && combined.map { $0.fieldValues == expectedValues } ?? (shifted == nil),
                   "metadata(of:fieldValues:) disagrees with the separate reads for \(show(bytes))")
    }

    /// `settingTypeMeta` with names that need escaping, so quoting is exercised too.
    private static func checkTypeMeta(_ bytes: [UInt8], _ document: ReferenceJSON?) throws(InvariantViolation) {
        let (kind, apiVersion) = bytes.count % 2 == 0 ? ("Pod", "v1") : ("Wid\"get<&>\u{2028}", "example.com/v1\u{1}")
        let ours = try? ObjectJSON.settingTypeMeta(kind: kind, apiVersion: apiVersion, of: bytes)
        let expected = document.flatMap { ObjectEditModel.settingTypeMeta(kind: kind, apiVersion: apiVersion, of: bytes, document: $0) }
        try expect(ours == expected, "settingTypeMeta gave \(ours.map(show) ?? "an error"), expected \(expected.map(show) ?? "an error")")
        guard let edited = ours, let before = try? ObjectJSON.metadata(of: bytes) else { return }
        guard var after = try? ObjectJSON.metadata(of: edited) else {
            throw InvariantViolation("settingTypeMeta output does not re-parse: \(show(edited))")
        }
        // With duplicate keys, `{"kind":"X","kind":null}` reads as X but has its null replaced,
        // as documented; the byte comparison above covers those.
        if document?.facts.hasDuplicateKeys == false {
            try expect(after.kind == (before.kind?.isEmpty == false ? before.kind : kind)
                       && after.apiVersion == (before.apiVersion?.isEmpty == false ? before.apiVersion : apiVersion),
                       "settingTypeMeta output reads kind \(String(describing: after.kind)), apiVersion \(String(describing: after.apiVersion))")
        }
        (after.kind, after.apiVersion, after.metadataRange) = (before.kind, before.apiVersion, before.metadataRange)
        try expect(after == before, "settingTypeMeta changed other metadata: \(show(edited))")
        let again = try? ObjectJSON.settingTypeMeta(kind: kind, apiVersion: apiVersion, of: edited)
        try expect(again == edited, "settingTypeMeta is not idempotent on \(show(edited))")
    }

    private static func checkResourceVersion(_ bytes: [UInt8], _ document: ReferenceJSON?) throws(InvariantViolation) {
        let rv = ResourceVersion(bytes.count % 3 == 0 ? UInt64.max : UInt64(bytes.count) * 7 + 1)
        let ours = try? ObjectJSON.settingResourceVersion(rv, of: bytes)
        let expected = document.flatMap { ObjectEditModel.settingResourceVersion(rv, of: bytes, document: $0) }
        try expect(ours == expected, "settingResourceVersion gave \(ours.map(show) ?? "an error"), expected \(expected.map(show) ?? "an error")")
        guard let edited = ours, let before = try? ObjectJSON.metadata(of: bytes) else { return }
        guard var after = try? ObjectJSON.metadata(of: edited) else {
            throw InvariantViolation("settingResourceVersion output does not re-parse: \(show(edited))")
        }
        try expect(after.resourceVersion == rv, "settingResourceVersion output reads \(String(describing: after.resourceVersion))")
        (after.resourceVersion, after.metadataRange) = (before.resourceVersion, before.metadataRange)
        try expect(after == before, "settingResourceVersion changed other metadata: \(show(edited))")
        let again = try? ObjectJSON.settingResourceVersion(rv, of: edited)
        try expect(again == edited, "settingResourceVersion is not idempotent on \(show(edited))")
    }
}
