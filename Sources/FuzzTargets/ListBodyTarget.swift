import KubeAPI

/// `ListBody(parsing:)`: a LIST response split into list metadata and item ranges. Input: the
/// body.
///
/// Invariants, beyond "no trap": it succeeds exactly when the model below says so (RFC 8259
/// JSON nested at most 512 deep, an object, `items` an array of objects or null, list metadata
/// typed right), and then the list metadata equals the model's (Go's rules: the last string
/// wins and null leaves it; `remainingItemCount` is an integer or null) and the item ranges are
/// exactly the elements of the last `items`: in bounds, in order, non-overlapping, each from
/// `{` to `}`. The slice overload gives the same ranges in the slice's indices.
enum ListBodyTarget {
    /// What `ListBody` must report.
    struct Expected: Equatable {
        var kind: String?
        var apiVersion: String?
        var resourceVersion: ResourceVersion?
        var continueToken: String?
        var remainingItemCount: Int?
        var items: [Range<Int>] = []
    }

    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let reference = ReferenceJSONParser.parse(bytes)
        try FoundationCheck.check(bytes, reference)
        var expected: Expected?
        if case .success(let document) = reference, document.facts.maxDepth <= 512 {
            expected = model(document)
        }
        let ours = (try? ListBody(parsing: bytes)).map(observed)
        try expect(ours == expected, "ListBody = \(String(describing: ours)), expected \(String(describing: expected)) for \(show(bytes))")

        let padded = [UInt8(ascii: " ")] + bytes + [UInt8(ascii: " ")]
        let sliced = (try? ListBody(parsing: padded[1..<(bytes.count + 1)])).map(observed)
        try expect(sliced?.items == ours?.items.map { ($0.lowerBound + 1)..<($0.upperBound + 1) },
                   "ListBody(parsing: slice) ranges are not the slice's indices")

        var previousEnd = 0
        for range in ours?.items ?? [] {
            try expect(range.lowerBound >= previousEnd && range.upperBound <= bytes.count && range.count >= 2
                       && bytes[range.lowerBound] == UInt8(ascii: "{") && bytes[range.upperBound - 1] == UInt8(ascii: "}"),
                       "item range \(range) out of order, out of bounds or not an object in \(show(bytes))")
            previousEnd = range.upperBound
        }
    }

    private static func observed(_ list: ListBody) -> Expected {
        Expected(kind: list.kind, apiVersion: list.apiVersion, resourceVersion: list.resourceVersion,
                 continueToken: list.continueToken, remainingItemCount: list.remainingItemCount, items: list.items)
    }

    /// The contract applied to the reference tree; nil when parsing must fail.
    static func model(_ document: ReferenceJSON) -> Expected? {
        guard let members = document.root.value.members else { return nil }
        var expected = Expected()
        for member in members {
            let value = member.node.value
            if member.hasKey("items") {
                if value.isNull {
                    expected.items = []
                    continue
                }
                guard let elements = value.elements, elements.allSatisfy({ $0.value.members != nil }) else { return nil }
                expected.items = elements.map(\.range)
            } else if member.hasKey("metadata") {
                if value.isNull { continue }
                guard let fields = value.members, readListMeta(fields, into: &expected) else { return nil }
            } else if member.hasKey("kind") || member.hasKey("apiVersion") {
                guard let text = ObjectMetadataModel.stringField(value) else { return nil }
                if let text {
                    if member.hasKey("kind") { expected.kind = text } else { expected.apiVersion = text }
                }
            }
        }
        return expected
    }

    private static func readListMeta(_ fields: [ReferenceJSON.Member], into expected: inout Expected) -> Bool {
        for field in fields {
            let value = field.node.value
            if field.hasKey("remainingItemCount") {
                switch value {
                case .null: expected.remainingItemCount = nil
                case .number(let literal):
                    guard !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let count = Int(literal) else { return false }
                    expected.remainingItemCount = count
                default: return false
                }
            } else if field.hasKey("resourceVersion") || field.hasKey("continue") {
                guard let text = ObjectMetadataModel.stringField(value) else { return false }
                guard let text else { continue }
                if field.hasKey("continue") {
                    expected.continueToken = text.isEmpty ? nil : text
                } else {
                    expected.resourceVersion = ObjectMetadataModel.resourceVersion(text)
                }
            }
        }
        return true
    }
}
