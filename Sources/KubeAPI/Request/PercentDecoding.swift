/// Percent-decoding as Go's `net/url` does it for request paths (`URL.Path`) and query
/// components (`url.QueryUnescape`, where `+` is a space).
///
/// Decoded bytes that are not UTF-8 become U+FFFD (Swift strings are Unicode; Go would keep
/// the raw bytes). Pure functions; safe from any thread.
enum PercentDecoding {
    /// Where the text comes from: a path keeps `+`; a query component reads it as a space.
    enum Mode {
        case path
        case queryComponent
    }

    /// A malformed `%` escape; `escape` is Go's `EscapeError` text: `%` and at most two more
    /// bytes (`%zz`, `%4`).
    struct InvalidEscape: Error {
        var escape: String

        /// Go's `EscapeError.Error()`: `invalid URL escape "%zz"`.
        var message: String { "invalid URL escape \(GoText.quote(escape))" }
    }

    static func decode(_ text: Substring, mode: Mode) throws(InvalidEscape) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (mode == .queryComponent && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        let input = Array(utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) else {
                    throw InvalidEscape(escape: String(decoding: input[index..<min(index + 3, input.count)], as: UTF8.self))
                }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(mode == .queryComponent && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
