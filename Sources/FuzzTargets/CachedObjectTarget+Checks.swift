import KubeAPI
import KubeCache

/// The checks on one cached object against the bytes it was built from.
extension CachedObjectTarget {
    static func check(_ object: CachedObject, from input: [UInt8], metadata: ObjectMetadata, resource: CachedResource) throws(InvariantViolation) {
        let bytes = object.bytes
        guard var reread = try? ObjectJSON.metadata(of: bytes) else {
            throw InvariantViolation("cached bytes do not re-read: \(show(bytes))")
        }
        try expect(object.key == reread.key && object.uid == reread.uid && object.resourceVersion == reread.resourceVersion
                   && object.labels == reread.labels && object.isTerminating == (reread.deletionTimestamp != nil),
                   "cached fields disagree with the cached bytes \(show(bytes))")
        let range = object.metadataRange
        try expect(range.lowerBound >= bytes.startIndex && range.upperBound <= bytes.endIndex
                   && Array(object.metadataBytes) == Array(input[metadata.metadataRange]),
                   "metadataRange \(range) does not hold the input's metadata in \(show(bytes))")

        let apiResource = resource.apiResource
        // With duplicate keys (`{"kind":"X","kind":null}`) the documented in-place repair of
        // the last one may change what the type meta reads as; the member check below still
        // holds for those.
        let hasDuplicates = (try? ReferenceJSONParser.parse(input).get())?.facts.hasDuplicateKeys ?? true
        try expect(hasDuplicates || reread.kind == (metadata.kind?.isEmpty == false ? metadata.kind : apiResource.kind)
                   && reread.apiVersion == (metadata.apiVersion?.isEmpty == false ? metadata.apiVersion : apiResource.apiVersion),
                   "cached type meta \(String(describing: reread.kind)) \(String(describing: reread.apiVersion)) for \(show(input))")
        (reread.kind, reread.apiVersion, reread.metadataRange) = (metadata.kind, metadata.apiVersion, metadata.metadataRange)
        try expect(reread == metadata, "cached metadata \(reread) differs from the input's \(metadata)")
        try checkMembers(Array(bytes), input)

        for field in resource.fieldPaths {
            let source = SelectableFields.valueSource(of: field, for: resource.groupVersionResource)
            let values = (try? ObjectJSON.fieldValues(source.paths.map { $0.joined(separator: ".") }, in: input)) ?? []
            let expected = values.first { $0?.isEmpty == false }.flatMap { $0 } ?? source.absentValue
            try expect(object.fieldValue(field, in: resource) == expected, "field \(field) is \(String(describing: object.fieldValue(field, in: resource))), expected \(show(expected))")
        }
        if let body = object.listItemBody {
            let item = [UInt8(ascii: "{")] + body
            let read = try? ObjectJSON.metadata(of: item)
            try expect(Array(bytes).starts(with: Array(#"{"kind":"#.utf8)) && read?.key == object.key
                       && read?.resourceVersion == object.resourceVersion, "listItemBody \(show(item)) is not the object")
        }
    }

    /// Every top-level member but `kind` and `apiVersion` is the input's, in order and byte
    /// for byte; the cached bytes hold each of those two once when the input held it at most
    /// once, not counting a `null` one: an item with `"kind":null` counts as lacking `kind`
    /// (as in Go), and the one-allocation path of `fromListItem` puts the restored member
    /// first and keeps the null. Go clients read the restored value; a reader that takes the
    /// last duplicate would read null. The API server never writes null type meta.
    private static func checkMembers(_ cached: [UInt8], _ input: [UInt8]) throws(InvariantViolation) {
        guard case .success(let after) = ReferenceJSONParser.parse(cached), let afterMembers = after.root.value.members,
              case .success(let before) = ReferenceJSONParser.parse(input), let beforeMembers = before.root.value.members else {
            throw InvariantViolation("cached bytes or input are not JSON objects: \(show(cached))")
        }
        func others(_ members: [ReferenceJSON.Member], in bytes: [UInt8]) -> [[UInt8]] {
            members.filter { !$0.hasKey("kind") && !$0.hasKey("apiVersion") }
                .map { Array(bytes[$0.keyRange]) + [0] + Array(bytes[$0.node.range]) }
        }
        try expect(others(afterMembers, in: cached) == others(beforeMembers, in: input), "cached bytes changed other members: \(show(cached))")
        for name in ["kind", "apiVersion"] where ReferenceJSON.members(beforeMembers, named: name).count <= 1 {
            let count = ReferenceJSON.members(afterMembers, named: name).filter { !$0.node.value.isNull }.count
            try expect(count == 1, "cached bytes hold \(count) \(name) members: \(show(cached))")
        }
    }
}
