/// Unpadded URL-safe base64 (RFC 4648 §5 without `=`), as Go's `base64.RawURLEncoding`, which
/// wraps the API server's continue tokens.
///
/// Decoding follows Go's non-strict decoder exactly, including where it reports an error:
/// `\r` and `\n` are skipped, `=` and any byte outside the alphabet are illegal, and a lone
/// trailing character is illegal; `DecodingError.offset` is the byte offset Go's
/// `CorruptInputError` would report. Allocates only the output.
enum Base64URL {
    /// Invalid input, at the offset Go reports.
    struct DecodingError: Error, Equatable {
        var offset: Int
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(value >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        switch input.count - index {
        case 1:
            let value = UInt32(input[index]) << 16
            for shift in [18, 12] { out.append(alphabet[Int(value >> UInt32(shift) & 0x3F)]) }
        case 2:
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            for shift in [18, 12, 6] { out.append(alphabet[Int(value >> UInt32(shift) & 0x3F)]) }
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var index = 0
        while true {
            // One quantum: up to four symbols, newlines skipped (Go's decodeQuantum).
            var values: [UInt32] = []
            while values.count < 4 {
                guard index < input.count else { break }
                let byte = input[index]
                index += 1
                if let value = sextet(byte) {
                    values.append(value)
                } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    continue
                } else {
                    throw DecodingError(offset: index - 1)
                }
            }
            switch values.count {
            case 0: return out
            case 1: throw DecodingError(offset: index - 1)
            default: break
            }
            var word: UInt32 = 0
            for position in 0..<4 { word = word << 6 | (position < values.count ? values[position] : 0) }
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            if values.count >= 3 { out.append(UInt8(truncatingIfNeeded: word >> 8)) }
            if values.count == 4 { out.append(UInt8(truncatingIfNeeded: word)) } else { return out }
        }
    }

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
