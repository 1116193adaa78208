/// Turning scanned tokens into Swift values: strings (with escapes resolved as Go resolves
/// them), key comparison, integers, and typed reads of a member's value.
extension JSONScanner {
    // MARK: Strings

    /// The string's value with escapes resolved. Unpaired surrogates and invalid UTF-8 become
    /// U+FFFD, as in Go's `encoding/json`.
    func string(_ token: StringToken) -> String {
        if !token.hasEscapes {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[token.range]), as: UTF8.self)
        }
        return String(decoding: unescapedBytes(token), as: UTF8.self)
    }

    /// The string's UTF-8 bytes with escapes resolved.
    func unescapedBytes(_ token: StringToken) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(token.range.count)
        var index = token.range.lowerBound
        let end = token.range.upperBound
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: index, end: end) ?? 0xFFFD
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate pairs only with an immediately following \uDC00-\uDFFF.
                    if index + 6 <= end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                       let low = hex4(at: index + 2, end: end), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                JSONScanner.appendUTF8(scalar, to: &out)
            default: out.append(escape)  // \" \\ \/
            }
        }
        return out
    }

    private func hex4(at index: Int, end: Int) -> UInt32? {
        guard index + 4 <= end else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = JSONScanner.hexValue(bytes[index + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Whether the string's value equals `expected` (compared after unescaping, so
    /// `"\u006eame"` equals `name`). Allocation-free unless the token has escapes.
    func equals(_ token: StringToken, _ expected: StaticString) -> Bool {
        expected.withUTF8Buffer { equals(token, $0) }
    }

    func equals(_ token: StringToken, _ expected: UnsafeBufferPointer<UInt8>) -> Bool {
        if token.hasEscapes {
            return unescapedBytes(token).elementsEqual(expected)
        }
        guard token.range.count == expected.count else { return false }
        var index = 0
        for position in token.range {
            if bytes[position] != expected[index] { return false }
            index += 1
        }
        return true
    }

    // MARK: Typed member values

    /// Whether the value under the cursor is `null`; consumes it if so.
    mutating func consumeNull() throws(JSONError) -> Bool {
        guard try peekSignificant() == UInt8(ascii: "n") else { return false }
        try scanLiteral("null")
        return true
    }

    /// The string under the cursor, nil for `null`; any other type is a `.typeMismatch`.
    mutating func readStringOrNull() throws(JSONError) -> StringToken? {
        switch try peekSignificant() {
        case UInt8(ascii: "\""): return try scanString()
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            return nil
        default: throw JSONError(.typeMismatch, at: position)
        }
    }

    /// The decoded string under the cursor, nil for `null`.
    mutating func readString() throws(JSONError) -> String? {
        guard let token = try readStringOrNull() else { return nil }
        return string(token)
    }

    /// The integer under the cursor, nil for `null`. A number with a fraction or exponent, or
    /// one outside `Int`, or any other type, is a `.typeMismatch` (as Go's `int` fields do).
    mutating func readInteger() throws(JSONError) -> Int? {
        let byte = try peekSignificant()
        if byte == UInt8(ascii: "n") {
            try scanLiteral("null")
            return nil
        }
        guard byte == UInt8(ascii: "-") || JSONScanner.isDigit(byte) else {
            throw JSONError(.typeMismatch, at: position)
        }
        let range = try scanNumber()
        guard let value = integer(in: range) else { throw JSONError(.typeMismatch, at: range.lowerBound) }
        return value
    }

    /// The value of an integer literal's bytes, nil for fractions, exponents and overflow.
    func integer(in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        let isNegative = bytes[index] == UInt8(ascii: "-")
        if isNegative { index += 1 }
        var value = 0
        while index < range.upperBound {
            let byte = bytes[index]
            guard JSONScanner.isDigit(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let digit = Int(byte - UInt8(ascii: "0"))
            let (sum, overflow2) = isNegative ? times10.subtractingReportingOverflow(digit)
                                              : times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// A resourceVersion string under the cursor: nil for `null`, `""` and for strings that
    /// are not a decimal integer (aggregated APIs may use opaque versions kcache cannot order).
    mutating func readResourceVersion() throws(JSONError) -> ResourceVersion? {
        guard let token = try readStringOrNull() else { return nil }
        if token.hasEscapes { return ResourceVersion(bytes: unescapedBytes(token)) }
        return ResourceVersion(bytes: UnsafeRawBufferPointer(rebasing: bytes[token.range]))
    }
}
