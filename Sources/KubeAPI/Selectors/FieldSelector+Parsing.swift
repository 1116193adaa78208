/// Parsing field selector text, as the API server does for `?fieldSelector=`
/// (apimachinery's `fields.ParseSelector`).
extension FieldSelector {
    /// Parses a field selector: terms separated by unescaped `,`; each term split at the first
    /// `!=`, `==` or `=`; the field taken literally, the value unescaped (`\\`, `\,`, `\=`).
    ///
    /// `""` gives `everything`. Whitespace is not trimmed (`" "` is an error, as in Go).
    ///
    /// - Throws: `400 BadRequest` with apimachinery's message:
    ///   `invalid selector: '<selector>'; can't understand '<term>'`,
    ///   `invalid field selector: invalid escape sequence: \x` or
    ///   `invalid field selector: unescaped character in value: 61` (the code point, as Go
    ///   prints a rune with `%v`).
    public init(parsing text: String) throws(Status) {
        var requirements: [Requirement] = []
        for term in FieldSelector.splitTerms(text).sorted(by: LabelSelector.byteOrder) where !term.isEmpty {
            guard let (field, op, rawValue) = FieldSelector.splitTerm(term) else {
                throw Status.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let value = try FieldSelector.unescape(rawValue)
            // Go's Transform drops a term whose field and value are both empty.
            if field.isEmpty && value.isEmpty { continue }
            requirements.append(Requirement(field: field, op: op, value: value))
        }
        self.init(requirements: requirements)
    }

    /// The terms between unescaped commas, escapes kept.
    static func splitTerms(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        let bytes = Array(text.utf8)
        var terms: [String] = []
        var start = 0
        var escaped = false
        for (index, byte) in bytes.enumerated() {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: ",") {
                terms.append(String(decoding: bytes[start..<index], as: UTF8.self))
                start = index + 1
            }
        }
        terms.append(String(decoding: bytes[start...], as: UTF8.self))
        return terms
    }

    /// Splits a term at the first operator, trying `!=`, `==`, `=` at each position.
    static func splitTerm(_ term: String) -> (String, Operator, String)? {
        let bytes = Array(term.utf8)
        for index in bytes.indices {
            let op: Operator
            let width: Int
            if bytes[index] == UInt8(ascii: "!"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") {
                (op, width) = (.notEquals, 2)
            } else if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") {
                (op, width) = (.doubleEquals, 2)
            } else if bytes[index] == UInt8(ascii: "=") {
                (op, width) = (.equals, 1)
            } else {
                continue
            }
            return (String(decoding: bytes[..<index], as: UTF8.self), op,
                    String(decoding: bytes[(index + width)...], as: UTF8.self))
        }
        return nil
    }

    /// `fields.UnescapeValue`: `\\`, `\,` and `\=` stand for themselves; any other escape, a
    /// trailing `\`, or a bare `,` or `=` is an error.
    static func unescape(_ value: String) throws(Status) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "=") }) else {
            return value
        }
        var out = ""
        var escaped = false
        for scalar in value.unicodeScalars {
            if escaped {
                guard scalar == "\\" || scalar == "," || scalar == "=" else {
                    throw Status.badRequest("invalid field selector: invalid escape sequence: \\\(scalar)")
                }
                out.unicodeScalars.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "," || scalar == "=" {
                throw Status.badRequest("invalid field selector: unescaped character in value: \(scalar.value)")
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if escaped {
            throw Status.badRequest("invalid field selector: invalid escape sequence: \\")
        }
        return out
    }
}
