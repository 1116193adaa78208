/// A strict RFC 8259 parser from bytes to `JSONValue`.
///
/// Errors read like Go's `encoding/json` (`invalid character 'x' looking for beginning of
/// value`), because the API server puts that text into the 400 it answers for a malformed body.
/// Nesting is capped (the API server caps it too) so a hostile body cannot exhaust the stack.
struct JSONParser {
    /// A syntax error with a Go-like description and the byte offset it was found at.
    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { message }
    }

    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a whole document; trailing non-space bytes are an error.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let value = try parser.parseValue(context: "beginning of value")
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            throw parser.error("invalid character \(parser.describe(parser.bytes[parser.index])) after top-level value")
        }
        return value
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(message: message, offset: index)
    }

    private func describe(_ byte: UInt8) -> String {
        if byte == UInt8(ascii: "'") { return "'\\''" }
        if byte == UInt8(ascii: "\"") { return "'\"'" }
        if byte < 0x20 { return "'\\x\(String(byte, radix: 16))'" }
        return "'\(String(decoding: [byte], as: UTF8.self))'"
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(context: String) throws(SyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of JSON input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("invalid character \(describe(bytes[index])) looking for \(context)")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let expected = literal.withUTF8Buffer { Array($0) }
        for byte in expected {
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            guard bytes[index] == byte else {
                throw error("invalid character \(describe(bytes[index])) in literal \(literal) (expecting '\(String(decoding: [byte], as: UTF8.self))')")
            }
            index += 1
        }
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw error("exceeded max depth of \(JSONParser.maximumDepth)") }
    }

    private mutating func parseObject() throws(SyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var object = JSONObject()
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("invalid character \(describe(bytes[index])) looking for beginning of object key string")
            }
            let key = try parseString()
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw error("invalid character \(describe(bytes[index])) after object key")
            }
            index += 1
            skipSpace()
            object[key] = try parseValue(context: "beginning of value")
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(object)
            default: throw error("invalid character \(describe(bytes[index])) after object key:value pair")
            }
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var array: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(array)
        }
        while true {
            skipSpace()
            array.append(try parseValue(context: "beginning of value"))
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(array)
            default: throw error("invalid character \(describe(bytes[index])) after array element")
            }
        }
    }

    /// A number in RFC 8259 grammar, kept as written.
    private mutating func parseNumber() throws(SyntaxError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        guard isDigit(index) else {
            if index < bytes.count { throw error("invalid character \(describe(bytes[index])) in numeric literal") }
            throw error("unexpected end of JSON input")
        }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { while isDigit(index) { index += 1 } }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { throw error("invalid character after decimal point in numeric literal") }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw error("invalid character in exponent of numeric literal") }
            while isDigit(index) { index += 1 }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// A string literal with its escapes resolved; lone surrogates become U+FFFD, as Go
    /// decodes them.
    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1
        var scalars: [UInt8] = []
        var runStart = index
        while true {
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                scalars.append(contentsOf: bytes[runStart..<index])
                index += 1
                return String(decoding: scalars, as: UTF8.self)
            }
            if byte < 0x20 { throw error("invalid character \(describe(byte)) in string literal") }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            scalars.append(contentsOf: bytes[runStart..<index])
            index += 1
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    let low = try parseHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalars.append(contentsOf: Array(String(Unicode.Scalar(0xFFFD)!).utf8))
                        code = low
                    }
                }
                let scalar = Unicode.Scalar(code) ?? Unicode.Scalar(0xFFFD)!
                scalars.append(contentsOf: Array(String(scalar).utf8))
            default:
                throw error("invalid character \(describe(escape)) in string escape code")
            }
            runStart = index
        }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid character \(describe(byte)) in \\u hexadecimal character escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
