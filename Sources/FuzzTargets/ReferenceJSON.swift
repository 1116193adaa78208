/// A JSON document parsed by `ReferenceJSONParser`: the tree, every value's byte range, and
/// the facts that decide which comparisons with KubeAPI and with Foundation are exact.
///
/// The fuzz targets hold KubeAPI's allocation-free scanner to this reference, which is written
/// for obviousness rather than speed: a recursive descent over RFC 8259 that keeps duplicate
/// keys in order (so Go's "last wins, objects merge" rules can be evaluated on it) and records
/// where everything is. It is itself checked against Foundation's `JSONSerialization` on the
/// inputs where both are specified to agree (see `FoundationCheck`).
struct ReferenceJSON {
    /// One value and the bytes it was read from (whitespace excluded).
    struct Node {
        var value: Value
        var range: Range<Int>
    }

    /// A JSON value; strings are decoded (escapes resolved, surrogates paired, anything
    /// unpaired or not UTF-8 repaired to U+FFFD, as Go and KubeAPI do).
    indirect enum Value {
        case object([Member])
        case array([Node])
        /// The decoded text, and the byte range between the quotes as written.
        case string(String, raw: Range<Int>)
        /// The number exactly as written.
        case number(String)
        case bool(Bool)
        case null
    }

    /// One member of an object, in document order (duplicates kept).
    struct Member {
        /// The key with escapes resolved, as bytes: keys are matched byte for byte.
        var key: [UInt8]
        /// The key's range including its quotes.
        var keyRange: Range<Int>
        var node: Node

        func hasKey(_ name: String) -> Bool { key.elementsEqual(name.utf8) }
    }

    /// What the input contains that readers are allowed to treat differently.
    struct Facts {
        /// Deepest nesting of objects and arrays; a top-level object is depth 1.
        var maxDepth = 0
        /// Some object repeats a key (after unescaping).
        var hasDuplicateKeys = false
        /// Some `\u` escape is a surrogate without its partner.
        var hasLoneSurrogate = false
        /// Some number overflows a `Double` (Foundation rejects those).
        var hasNonFiniteNumber = false
    }

    var root: Node
    var facts: Facts

    /// The members named `name`, in order.
    static func members(_ members: [Member], named name: String) -> [Member] {
        members.filter { $0.hasKey(name) }
    }
}

extension ReferenceJSON.Value {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var string: String? {
        if case .string(let text, _) = self { return text }
        return nil
    }

    var members: [ReferenceJSON.Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var elements: [ReferenceJSON.Node]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
