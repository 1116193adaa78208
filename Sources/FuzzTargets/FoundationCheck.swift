import Foundation

/// Foundation's `JSONSerialization` as an independent second opinion on what is JSON, used to
/// check `ReferenceJSONParser` (and through it KubeAPI's scanner) on every input.
///
/// Where the two are specified to differ, the comparison is skipped, and these differences
/// are the documented ones (measured on Swift 6.3.1, Linux):
/// - Foundation rejects invalid UTF-8, unpaired `\u` surrogates and numbers beyond `Double`
///   (`1e400`); RFC 8259 allows the latter two, and KubeAPI, like Go, accepts all three
///   (repairing text to U+FFFD). Such inputs are not compared in the accepting direction.
/// - Foundation accepts more than RFC 8259: a trailing comma (`[1,]`, `{"a":1,}`), a UTF-8
///   byte order mark, and UTF-16/UTF-32 text (it sniffs NUL bytes). A reference rejection
///   that Foundation accepts must show one of these.
/// - Objects with duplicate keys (Foundation keeps the last, Go merges objects) and keys that
///   are equal as Swift strings but not as bytes are not compared value by value.
enum FoundationCheck {
    static func check(_ bytes: [UInt8], _ reference: Result<ReferenceJSON, ReferenceJSONParser.Failure>) throws(InvariantViolation) {
        let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        switch reference {
        case .success(let document):
            let facts = document.facts
            guard String(validating: bytes, as: UTF8.self) != nil, !facts.hasLoneSurrogate, !facts.hasNonFiniteNumber,
                  facts.maxDepth <= 512 else { return }
            guard let foundation else {
                throw InvariantViolation("Foundation rejects JSON the reference parser accepts: \(show(bytes))")
            }
            if !facts.hasDuplicateKeys {
                try expect(same(document.root.value, foundation), "Foundation reads other values: \(show(bytes))")
            }
        case .failure(.tooDeep):
            try expect(foundation == nil, "Foundation accepts nesting deeper than 512: \(show(bytes))")
        case .failure:
            guard foundation != nil else { return }
            try expect(hasKnownFoundationExtension(bytes), "Foundation accepts what the reference rejects: \(show(bytes))")
        }
    }

    /// Whether the input uses one of the extensions Foundation accepts beyond RFC 8259.
    static func hasKnownFoundationExtension(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.contains(0) { return true }
        var lastSignificant: UInt8?
        for byte in bytes {
            if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}"), lastSignificant == UInt8(ascii: ",") { return true }
            if ![0x20, 0x09, 0x0A, 0x0D].contains(byte) { lastSignificant = byte }
        }
        return false
    }

    /// Whether Foundation's value equals the reference value.
    static func same(_ value: ReferenceJSON.Value, _ other: Any) -> Bool {
        switch value {
        case .object(let members):
            guard let dictionary = other as? [String: Any] else { return false }
            let keys = members.map { String(decoding: $0.key, as: UTF8.self) }
            // Keys equal as Swift strings collapse in a dictionary: nothing to compare one to one.
            guard Set(keys).count == members.count else { return true }
            return dictionary.count == members.count
                && zip(keys, members).allSatisfy { key, member in dictionary[key].map { same(member.node.value, $0) } ?? false }
        case .array(let elements):
            guard let array = other as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0.value, $1) }
        case .string(let text, _):
            return (other as? String) == text
        case .number(let literal):
            guard !(other is String), !(other is NSNull), let number = other as? NSNumber, let expected = Double(literal) else {
                return false
            }
            let actual = number.doubleValue
            return actual == expected || abs(actual - expected) <= 1e-9 * max(abs(actual), abs(expected))
        case .bool(let flag):
            return (other as? Bool) == flag
        case .null:
            return other is NSNull
        }
    }
}
