/// Strings and numbers, scanned by the grammar and decoded the way Go's `encoding/json` does.
extension ReferenceJSONParser {
    /// The string at the cursor (on its opening quote): decoded text and the raw range between
    /// the quotes.
    mutating func string() throws(Failure) -> (String, Range<Int>) {
        try consume(UInt8(ascii: "\""))
        let start = position
        while true {
            guard let byte = current else { throw .syntax(at: position) }
            switch byte {
            case UInt8(ascii: "\""):
                let raw = start..<position
                position += 1
                let decoded = ReferenceJSONParser.unescape(bytes[raw], facts: &facts)
                return (String(decoding: decoded, as: UTF8.self), raw)
            case UInt8(ascii: "\\"):
                position += 1
                guard let escape = current else { throw .syntax(at: position) }
                if escape == UInt8(ascii: "u") {
                    for offset in 1...4 {
                        guard position + offset < bytes.count, ReferenceJSONParser.hex(bytes[position + offset]) != nil else {
                            throw .syntax(at: position)
                        }
                    }
                    position += 5
                } else if Array(#""\/bfnrt"#.utf8).contains(escape) {
                    position += 1
                } else {
                    throw .syntax(at: position)
                }
            case 0x00..<0x20:
                throw .syntax(at: position)
            default:
                position += 1
            }
        }
    }

    /// Resolves the escapes of a string's raw bytes (already checked by `string()`).
    /// Surrogate escapes pair up when a high one is directly followed by a low one; any other
    /// surrogate becomes U+FFFD and is noted in `facts`.
    static func unescape(_ raw: ArraySlice<UInt8>, facts: inout ReferenceJSON.Facts) -> [UInt8] {
        var out: [UInt8] = []
        var index = raw.startIndex
        func code(at index: Int) -> UInt32? {
            guard index + 6 <= raw.endIndex, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") else {
                return nil
            }
            return raw[(index + 2)..<(index + 6)].reduce(UInt32(0)) { $0 << 4 | UInt32(hex($1) ?? 0) }
        }
        while index < raw.endIndex {
            guard raw[index] == UInt8(ascii: "\\") else {
                out.append(raw[index])
                index += 1
                continue
            }
            let escape = raw[index + 1]
            if escape != UInt8(ascii: "u") {
                let simple: [UInt8: UInt8] = [UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
                                              UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09]
                out.append(simple[escape] ?? escape)
                index += 2
                continue
            }
            var scalar = code(at: index) ?? 0xFFFD
            index += 6
            if (0xD800..<0xDC00).contains(scalar) {
                if let low = code(at: index), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else {
                    scalar = 0xFFFD
                    facts.hasLoneSurrogate = true
                }
            } else if (0xDC00..<0xE000).contains(scalar) {
                scalar = 0xFFFD
                facts.hasLoneSurrogate = true
            }
            out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        }
        return out
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    mutating func number() throws(Failure) -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            try digits()
        }
        if current == UInt8(ascii: ".") {
            position += 1
            try digits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            try digits()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !(Double(text)?.isFinite ?? false) { facts.hasNonFiniteNumber = true }
        return text
    }

    /// One or more decimal digits.
    private mutating func digits() throws(Failure) {
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { throw .syntax(at: position) }
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
