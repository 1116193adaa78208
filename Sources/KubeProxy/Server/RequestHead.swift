/// The head of one HTTP/1.x request, framed and parsed from the bytes a connection received,
/// for `CachedReadFastPath`.
///
/// Strict on purpose: it accepts the heads well-behaved clients send — a request line of a
/// common method, a path-and-query target and `HTTP/1.0` or `HTTP/1.1`, header lines of token name and visible value, CRLF
/// line ends — and calls anything else `.unsupported` (a bare LF, obsolete line folding,
/// control characters, two `Content-Length`s, any `Transfer-Encoding` or upgrade), so NIO's decoder, which sees the same bytes
/// then, judges and answers it exactly as it does every other request.
package struct RequestHead {
    package var method: String
    /// The request target, percent-encoded as received.
    package var target: String
    /// `HTTP/1.1`, rather than `HTTP/1.0`.
    package var isHTTP11: Bool
    /// In the order received, names as spelled, values without leading whitespace (trailing
    /// whitespace stays, as NIO's decoder leaves it).
    package var headers: [(name: String, value: String)]
    /// `Content-Length`, when the request has one.
    package var contentLength: Int?
    /// `Connection` names `close`, or the request carries `Expect`: the connection handler
    /// deals with those.
    package var needsConnectionHandling = false
    /// The bytes the head took, its final empty line included.
    package var length: Int

    /// What the start of a connection's unread bytes holds.
    package enum Framing {
        /// The head is not complete yet.
        case incomplete
        case head(RequestHead)
        /// Not a head this parser vouches for.
        case unsupported
    }

    /// Frames the head at the start of `bytes`. `searchFrom` is where the search for the end
    /// of the head may start (bytes before it were searched by an earlier call, which found
    /// neither an end nor anything unsupported), so bytes arriving a few at a time are not
    /// searched again and again.
    package static func frame(_ bytes: UnsafeRawBufferPointer, searchFrom: Int = 0) -> Framing {
        let end: Int
        switch endOfHead(bytes, from: searchFrom) {
        case .incomplete: return .incomplete
        case .unsupported: return .unsupported
        case .end(let index): end = index
        }
        var lines = Lines(bytes: bytes, end: end)
        guard let requestLine = lines.next(), var head = parseRequestLine(requestLine, bytes: bytes) else {
            return .unsupported
        }
        head.length = end
        while let line = lines.next() {
            guard let (name, value) = parseHeaderLine(line, bytes: bytes), head.note(name: name, value: value) else {
                return .unsupported
            }
            head.headers.append((name, value))
        }
        return lines.isValid ? .head(head) : .unsupported
    }

    private enum Scan {
        case end(Int)
        case incomplete
        case unsupported
    }

    /// Looks for the CRLF CRLF ending the head, from `from` (backed up three bytes, so a
    /// terminator split across reads is found). A bare LF, or a CR before anything but LF, is
    /// `.unsupported` at once: NIO's decoder then reads such a head as it always has, rather
    /// than it waiting here for a CRLF CRLF that may never come.
    private static func endOfHead(_ bytes: UnsafeRawBufferPointer, from: Int) -> Scan {
        var index = max(0, from - 3)
        while index < bytes.count {
            switch bytes[index] {
            case 0x0D:
                if index + 1 < bytes.count && bytes[index + 1] != 0x0A { return .unsupported }
            case 0x0A:
                guard index > 0, bytes[index - 1] == 0x0D else { return .unsupported }
                if index >= 3, bytes[index - 2] == 0x0A, bytes[index - 3] == 0x0D { return .end(index + 1) }
            default:
                break
            }
            index += 1
        }
        return .incomplete
    }

    /// Records what a header means for framing; false for a value this parser does not vouch for.
    private mutating func note(name: String, value: String) -> Bool {
        switch name.utf8.count {
        case 14 where name.caseInsensitiveEquals("content-length"):
            guard contentLength == nil, !value.isEmpty, value.utf8.count <= 18,
                  value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(value)
            else { return false }
            contentLength = length
        case 17 where name.caseInsensitiveEquals("transfer-encoding"):
            return false  // the body's framing (and what codings are allowed) is NIO's business
        case 10 where name.caseInsensitiveEquals("connection"):
            let lowered = value.lowercased()
            // After an upgrade request NIO's decoder reads nothing more on the connection.
            if lowered.contains("upgrade") { return false }
            if lowered.contains("close") { needsConnectionHandling = true }
        case 7 where name.caseInsensitiveEquals("upgrade"):
            return false
        case 6 where name.caseInsensitiveEquals("expect"):
            needsConnectionHandling = true
        default:
            break
        }
        return true
    }

    /// `method SP target SP HTTP/1.x`.
    private static func parseRequestLine(_ line: Range<Int>, bytes: UnsafeRawBufferPointer) -> RequestHead? {
        guard let firstSpace = line.first(where: { bytes[$0] == 0x20 }), firstSpace > line.lowerBound,
              let secondSpace = (firstSpace + 1..<line.upperBound).first(where: { bytes[$0] == 0x20 }),
              secondSpace > firstSpace + 1
        else { return nil }
        let methodRange = line.lowerBound..<firstSpace
        let targetRange = (firstSpace + 1)..<secondSpace
        let versionRange = (secondSpace + 1)..<line.upperBound
        guard methods.contains(where: { UnsafeRawBufferPointer(rebasing: bytes[methodRange]).elementsEqual($0.utf8) }),
              bytes[targetRange.lowerBound] == UInt8(ascii: "/"),  // origin form only
              targetRange.allSatisfy({ bytes[$0] > 0x20 && bytes[$0] < 0x7F }),
              versionRange.count == 8
        else { return nil }
        let version = UnsafeRawBufferPointer(rebasing: bytes[versionRange])
        guard version.starts(with: "HTTP/1.".utf8), version[7] == 0x30 || version[7] == 0x31 else { return nil }
        return RequestHead(
            method: string(bytes, methodRange), target: string(bytes, targetRange), isHTTP11: version[7] == 0x31,
            headers: [], length: 0)
    }

    /// `name: value`, the value's leading spaces and tabs dropped.
    private static func parseHeaderLine(_ line: Range<Int>, bytes: UnsafeRawBufferPointer) -> (String, String)? {
        guard let colon = line.first(where: { bytes[$0] == UInt8(ascii: ":") }), colon > line.lowerBound,
              (line.lowerBound..<colon).allSatisfy({ isTokenByte(bytes[$0]) })
        else { return nil }
        var valueStart = colon + 1
        let valueEnd = line.upperBound
        while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
        // Visible ASCII, spaces, tabs and obs-text; no other control characters.
        guard (valueStart..<valueEnd).allSatisfy({ bytes[$0] >= 0x20 && bytes[$0] != 0x7F || bytes[$0] == 0x09 }) else {
            return nil
        }
        return (string(bytes, line.lowerBound..<colon), string(bytes, valueStart..<valueEnd))
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The methods Kubernetes clients use; others (which NIO's decoder may not know) are left to it.
    private static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// The CRLF-terminated lines of a head, up to (not including) its final empty line;
    /// `isValid` turns false at a bare CR or LF inside a line.
    private struct Lines {
        let bytes: UnsafeRawBufferPointer
        /// Where the final CRLF starts.
        let end: Int
        var position = 0
        var isValid = true

        init(bytes: UnsafeRawBufferPointer, end: Int) {
            self.bytes = bytes
            self.end = end - 2
        }

        mutating func next() -> Range<Int>? {
            guard isValid, position < end else { return nil }
            var index = position
            while bytes[index] != 0x0D && bytes[index] != 0x0A { index += 1 }
            // Inside the head, every line ends in CRLF: a bare LF, or CR not before LF, is not
            // for this parser.
            guard bytes[index] == 0x0D, bytes[index + 1] == 0x0A else {
                isValid = false
                return nil
            }
            defer { position = index + 2 }
            return position..<index
        }
    }
}
