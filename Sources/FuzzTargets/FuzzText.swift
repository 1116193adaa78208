/// Small text helpers shared by the targets: turning input bytes into strings and lines, and
/// the encodings the round trips need (percent-encoding, unpadded base64url), written here
/// independently of KubeAPI's own.
enum FuzzText {
    /// The input as a Swift string; invalid UTF-8 is repaired, as a server decoding a request
    /// would have to.
    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The first line, and the following lines (a trailing `\r` dropped from each).
    static func lines(_ bytes: [UInt8]) -> (first: String, rest: [String]) {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            string(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
        }
        return (lines.first ?? "", Array(lines.dropFirst()))
    }

    /// `name=value` lines as pairs (split at the first `=`; a line without one is a name with
    /// an empty value); empty lines are skipped.
    static func pairs(_ lines: [String]) -> [(String, String)] {
        lines.filter { !$0.isEmpty }.map { line in
            let bytes = Array(line.utf8)
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return (line, "") }
            return (string(bytes[..<equals]), string(bytes[(equals + 1)...]))
        }
    }

    /// Every byte outside RFC 3986's unreserved set (and `/` when `keepingSlash`) as `%XX`.
    static func percentEncoded(_ text: String, keepingSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || Array("-._~".utf8).contains(byte)
                || (keepingSlash && byte == UInt8(ascii: "/"))
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Unpadded URL-safe base64 (RFC 4648 §5), as Go's `base64.RawURLEncoding`.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var word: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { word |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            for sextet in 0...chunk.count { out.append(alphabet[Int(word >> (18 - 6 * UInt32(sextet)) & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
