/// A strict RFC 8259 parser producing `ReferenceJSON`: whitespace is space, tab, CR and LF
/// only; no trailing commas, comments, BOM or non-JSON literals; numbers follow the grammar
/// exactly; raw control characters in strings are errors. UTF-8 is not validated (KubeAPI
/// does not either); invalid sequences are repaired when strings are decoded.
///
/// Recursion is capped at `depthLimit`, well above KubeAPI's 512, so no input can exhaust the
/// stack; a deeper input is `.tooDeep`, which KubeAPI must reject as well.
struct ReferenceJSONParser {
    enum Failure: Error, Equatable {
        case syntax(at: Int)
        case tooDeep
    }

    static let depthLimit = 1000

    // Read by the scalar scanners in `ReferenceJSONParser+Scalars.swift`.
    let bytes: [UInt8]
    var position = 0
    var facts = ReferenceJSON.Facts()

    static func parse(_ bytes: [UInt8]) -> Result<ReferenceJSON, Failure> {
        var parser = ReferenceJSONParser(bytes: bytes)
        do throws(Failure) {
            let root = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.position == bytes.count else { throw .syntax(at: parser.position) }
            return .success(ReferenceJSON(root: root, facts: parser.facts))
        } catch {
            return .failure(error)
        }
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func consume(_ byte: UInt8) throws(Failure) {
        guard current == byte else { throw .syntax(at: position) }
        position += 1
    }

    /// `depth` is the number of containers around the value.
    private mutating func value(depth: Int) throws(Failure) -> ReferenceJSON.Node {
        skipWhitespace()
        let start = position
        let value: ReferenceJSON.Value
        switch current {
        case UInt8(ascii: "{"):
            value = .object(try object(depth: depth + 1))
        case UInt8(ascii: "["):
            value = .array(try array(depth: depth + 1))
        case UInt8(ascii: "\""):
            let (text, raw) = try string()
            value = .string(text, raw: raw)
        case UInt8(ascii: "t"):
            try literal("true")
            value = .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            value = .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            value = .null
        default:
            value = .number(try number())
        }
        return ReferenceJSON.Node(value: value, range: start..<position)
    }

    private mutating func enter(_ depth: Int) throws(Failure) {
        guard depth <= ReferenceJSONParser.depthLimit else { throw .tooDeep }
        facts.maxDepth = max(facts.maxDepth, depth)
        position += 1
    }

    private mutating func object(depth: Int) throws(Failure) -> [ReferenceJSON.Member] {
        try enter(depth)
        var members: [ReferenceJSON.Member] = []
        var keys = Set<[UInt8]>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            let keyStart = position
            guard current == UInt8(ascii: "\"") else { throw .syntax(at: position) }
            let (_, raw) = try string()
            let key = ReferenceJSONParser.unescape(bytes[raw], facts: &facts)
            if !keys.insert(key).inserted { facts.hasDuplicateKeys = true }
            let keyRange = keyStart..<position
            skipWhitespace()
            try consume(UInt8(ascii: ":"))
            members.append(ReferenceJSON.Member(key: key, keyRange: keyRange, node: try value(depth: depth)))
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return members
            }
            try consume(UInt8(ascii: ","))
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> [ReferenceJSON.Node] {
        try enter(depth)
        var elements: [ReferenceJSON.Node] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return elements
            }
            try consume(UInt8(ascii: ","))
        }
    }

    private mutating func literal(_ text: String) throws(Failure) {
        for byte in text.utf8 { try consume(byte) }
    }
}
