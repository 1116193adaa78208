/// The pieces of Go's standard library that API server error messages are built from, so kcache
/// can produce the same text byte for byte: `%q` quoting (`strconv.Quote`) and `strconv`'s
/// integer parsing with its `NumError` messages.
///
/// Pure functions over strings; safe from any thread.
enum GoText {
    /// Why `strconv.ParseInt` / `ParseUint` rejected a string.
    enum NumberError: Error, Hashable, Sendable {
        case invalidSyntax
        case outOfRange

        var text: String {
            switch self {
            case .invalidSyntax: "invalid syntax"
            case .outOfRange: "value out of range"
            }
        }
    }

    // MARK: Quoting

    /// `s` quoted as Go's `strconv.Quote` (and so `%q`) does: `"` and `\` escaped, printable
    /// Unicode kept, control characters as `\n`-style or `\x00`, other unprintables as `\u`.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if isPrint(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, digits: 2)
                } else if scalar.value < 0x10000 {
                    out += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    out += "\\U" + hex(scalar.value, digits: 8)
                }
            }
        }
        out += "\""
        return out
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space.
    private static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    // MARK: strconv

    /// `strconv.ParseUint(s, 10, 64)`: decimal digits only, no sign; the first problem found
    /// scanning left to right decides the error, as in Go.
    static func parseUInt64(_ utf8: some Collection<UInt8>) -> Result<UInt64, NumberError> {
        if utf8.isEmpty { return .failure(.invalidSyntax) }
        var value: UInt64 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return .failure(.invalidSyntax) }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
            if overflow || carry { return .failure(.outOfRange) }
            value = sum
        }
        return .success(value)
    }

    /// `strconv.ParseInt(s, 10, 64)`: an optional `+` or `-`, then decimal digits.
    static func parseInt64(_ utf8: some Collection<UInt8>) -> Result<Int64, NumberError> {
        guard let first = utf8.first else { return .failure(.invalidSyntax) }
        let negative = first == UInt8(ascii: "-")
        let digits = (first == UInt8(ascii: "+") || negative) ? utf8.dropFirst() : utf8[...]
        let magnitude: UInt64
        switch parseUInt64(digits) {
        case .success(let value): magnitude = value
        case .failure(.outOfRange): return .failure(.outOfRange)
        case .failure(let error): return .failure(error)
        }
        let cutoff = UInt64(1) << 63
        if negative {
            if magnitude > cutoff { return .failure(.outOfRange) }
            return .success(magnitude == cutoff ? Int64.min : -Int64(magnitude))
        }
        if magnitude >= cutoff { return .failure(.outOfRange) }
        return .success(Int64(magnitude))
    }

    /// The integer value of `s` as `strconv.ParseInt(s, 10, 64)` reads it, or nil.
    static func int64(_ s: String) -> Int64? {
        if case .success(let value) = parseInt64(s.utf8) { return value }
        return nil
    }

    /// `*strconv.NumError`'s text: `strconv.ParseInt: parsing "x": invalid syntax`.
    static func numErrorMessage(function: String, input: String, error: NumberError) -> String {
        "strconv.\(function): parsing \(quote(input)): \(error.text)"
    }
}
