/// JSON string quoting as Go's `encoding/json` does it, so bodies kcache writes itself match the
/// API server's byte for byte: `"`, `\` and control characters escaped, and `<`, `>`, `&`,
/// U+2028 and U+2029 written as `\u003c`-style escapes (Go's HTML-safe default).
public enum JSONString {
    /// Appends `value` as a quoted JSON string.
    public static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped contents of `value`, without quotes.
    public static func appendEscaped(_ value: String, to out: inout [UInt8]) {
        let bytes = Array(value.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                appendUnicodeEscape(UInt32(byte), to: &out)
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
                appendUnicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                index += 2
            default:
                out.append(byte)
            }
            index += 1
        }
    }

    private static func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { digits in
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"),
                                    digits[Int((value >> 12) & 0xF)], digits[Int((value >> 8) & 0xF)],
                                    digits[Int((value >> 4) & 0xF)], digits[Int(value & 0xF)]])
        }
    }

    /// `value` as a quoted JSON string.
    public static func quoted(_ value: String) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
