/// A validating, allocation-free cursor over JSON bytes: skips any value and walks objects and
/// arrays member by member without building a tree.
///
/// Contract:
/// - **Validation.** Everything the scanner steps over is checked against RFC 8259: string
///   escapes, control characters, the number grammar, literals, brackets and separators.
///   Malformed input throws a `JSONError`; the scanner never traps and never reads outside
///   the buffer (every read is preceded by an explicit bounds check, so it is safe to fuzz).
///   Strings are not checked for valid UTF-8, as Go's `encoding/json` does not reject it
///   either; `string(_:)` repairs invalid sequences to U+FFFD, as Go does.
/// - **Depth.** Objects and arrays may nest `maxDepth` (512) levels; deeper input throws
///   `.tooDeep` instead of exhausting the stack. Kubernetes objects nest a few dozen levels.
/// - **Allocation.** Scanning, skipping and key comparison allocate nothing; only
///   `string(_:)` (a Swift `String`, inline up to 15 bytes) and escaped-key comparison do.
/// - **Lifetime.** The scanner borrows the buffer: use it only inside the
///   `withUnsafeBytes` closure that produced the pointer. It is a value type; copies are
///   independent cursors.
///
/// The cursor protocol: `position` always sits on the next unread byte. `nextMember` and
/// `nextElement` leave it on the first byte of a value, which the caller must consume
/// (`skipValue`, `scanString`, a nested walk) before asking for the next one.
struct JSONScanner {
    /// Objects and arrays deeper than this are rejected.
    static let maxDepth = 512

    let bytes: UnsafeRawBufferPointer
    /// Index of the next unread byte; `bytes.count` at the end.
    var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// The raw bytes and escape flag of one string literal; `range` excludes the quotes.
    struct StringToken {
        var range: Range<Int>
        var hasEscapes: Bool
    }

    var count: Int { bytes.count }

    // MARK: Whitespace and single bytes

    mutating func skipWhitespace() {
        while position < count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed.
    mutating func peekSignificant() throws(JSONError) -> UInt8 {
        skipWhitespace()
        guard position < count else { throw JSONError(.unexpectedEnd, at: position) }
        return bytes[position]
    }

    /// Requires only whitespace from here to the end of the input.
    mutating func finish() throws(JSONError) {
        skipWhitespace()
        if position != count { throw JSONError(.trailingData, at: position) }
    }

    // MARK: Values

    /// Skips one value of any kind; `depth` is the nesting level of the value's container
    /// (0 for a top-level value).
    mutating func skipValue(depth: Int) throws(JSONError) {
        switch try peekSignificant() {
        case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "t"): try scanLiteral("true")
        case UInt8(ascii: "f"): try scanLiteral("false")
        case UInt8(ascii: "n"): try scanLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw JSONError(.unexpectedByte, at: position)
        }
    }

    /// Skips a value and returns its byte range (leading whitespace excluded).
    mutating func valueRange(depth: Int) throws(JSONError) -> Range<Int> {
        skipWhitespace()
        let start = position
        try skipValue(depth: depth)
        return start..<position
    }

    private mutating func skipObject(depth: Int) throws(JSONError) {
        try enterContainer(depth: depth)
        var isFirst = true
        while try nextMember(isFirst: &isFirst) != nil {
            try skipValue(depth: depth)
        }
    }

    private mutating func skipArray(depth: Int) throws(JSONError) {
        try enterContainer(depth: depth)
        var isFirst = true
        while try nextElement(isFirst: &isFirst) {
            try skipValue(depth: depth)
        }
    }

    // MARK: Objects and arrays

    /// Consumes the `{` or `[` under the cursor after checking the depth bound.
    mutating func enterContainer(depth: Int) throws(JSONError) {
        guard depth <= JSONScanner.maxDepth else { throw JSONError(.tooDeep, at: position) }
        position += 1
    }

    /// Advances to the next member of the object being walked and returns its key, with the
    /// cursor on the member's value; returns nil after consuming the closing `}`.
    /// `isFirst` must start true for each object (it tells `{}` from `{"a":1,}`).
    mutating func nextMember(isFirst: inout Bool) throws(JSONError) -> StringToken? {
        var byte = try peekSignificant()
        if isFirst {
            isFirst = false
            if byte == UInt8(ascii: "}") {
                position += 1
                return nil
            }
        } else {
            position += 1
            if byte == UInt8(ascii: "}") { return nil }
            guard byte == UInt8(ascii: ",") else { throw JSONError(.unexpectedByte, at: position - 1) }
            byte = try peekSignificant()
        }
        guard byte == UInt8(ascii: "\"") else { throw JSONError(.unexpectedByte, at: position) }
        let key = try scanString()
        guard try peekSignificant() == UInt8(ascii: ":") else { throw JSONError(.unexpectedByte, at: position) }
        position += 1
        skipWhitespace()
        return key
    }

    /// Advances to the next element of the array being walked, with the cursor on it;
    /// returns false after consuming the closing `]`.
    mutating func nextElement(isFirst: inout Bool) throws(JSONError) -> Bool {
        let byte = try peekSignificant()
        if isFirst {
            isFirst = false
            if byte == UInt8(ascii: "]") {
                position += 1
                return false
            }
            return true
        }
        position += 1
        if byte == UInt8(ascii: "]") { return false }
        guard byte == UInt8(ascii: ",") else { throw JSONError(.unexpectedByte, at: position - 1) }
        _ = try peekSignificant()
        return true
    }

    // MARK: Scalars

    /// Scans the string literal under the cursor (which must be on its opening quote).
    mutating func scanString() throws(JSONError) -> StringToken {
        let start = position + 1
        var index = start
        var hasEscapes = false
        while true {
            index = skipPlainStringBytes(from: index)
            guard index < count else { throw JSONError(.unexpectedEnd, at: count) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return StringToken(range: start..<index, hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index = try skipEscape(at: index)
            } else if byte < 0x20 {
                throw JSONError(.controlCharacterInString, at: index)
            } else {
                index += 1
            }
        }
    }

    /// Skips bytes that need no attention inside a string, eight at a time: returns the index
    /// of the first quote, backslash or control character, or of the last few bytes (fewer
    /// than eight), which the caller checks one by one.
    private func skipPlainStringBytes(from start: Int) -> Int {
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // "Has a zero byte" and "has a byte below 0x20" bit tricks. The lowest flagged
            // byte is always a true match (false positives only occur above a true one), so
            // its position is exact; byte 0 of the word is the one at `index`.
            let special = (((quotes &- ones) & ~quotes)
                | ((backslashes &- ones) & ~backslashes)
                | ((word &- ones &* 0x20) & ~word)) & highBits
            if special != 0 { return index + special.trailingZeroBitCount >> 3 }
            index += 8
        }
        return index
    }

    /// Validates the escape starting at the backslash at `index`; returns the index after it.
    private func skipEscape(at index: Int) throws(JSONError) -> Int {
        guard index + 1 < count else { throw JSONError(.unexpectedEnd, at: count) }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return index + 2
        case UInt8(ascii: "u"):
            for offset in 2..<6 {
                guard index + offset < count else { throw JSONError(.unexpectedEnd, at: count) }
                guard JSONScanner.hexValue(bytes[index + offset]) != nil else {
                    throw JSONError(.invalidEscape, at: index)
                }
            }
            return index + 6
        default:
            throw JSONError(.invalidEscape, at: index)
        }
    }

    /// Scans the number under the cursor and returns its bytes' range.
    mutating func scanNumber() throws(JSONError) -> Range<Int> {
        let start = position
        var index = position
        if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count else { throw JSONError(.unexpectedEnd, at: count) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if JSONScanner.isDigit(bytes[index]) {
            index = skipDigits(from: index)
        } else {
            throw JSONError(.invalidNumber, at: index)
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index = try requireDigits(from: index + 1)
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            index = try requireDigits(from: index)
        }
        position = index
        return start..<index
    }

    private func skipDigits(from start: Int) -> Int {
        var index = start
        while index < count, JSONScanner.isDigit(bytes[index]) { index += 1 }
        return index
    }

    private func requireDigits(from index: Int) throws(JSONError) -> Int {
        guard index < count else { throw JSONError(.unexpectedEnd, at: count) }
        guard JSONScanner.isDigit(bytes[index]) else { throw JSONError(.invalidNumber, at: index) }
        return skipDigits(from: index)
    }

    /// Consumes `literal` (`true`, `false` or `null`) at the cursor.
    mutating func scanLiteral(_ literal: StaticString) throws(JSONError) {
        let start = position
        let available = count
        let source = bytes
        // Offset of the first byte that differs from the literal, or nil when all match.
        let mismatch: Int? = literal.withUTF8Buffer { expected in
            for offset in 0..<expected.count where start + offset >= available || source[start + offset] != expected[offset] {
                return offset
            }
            return nil
        }
        if let mismatch {
            throw start + mismatch >= available ? JSONError(.unexpectedEnd, at: available)
                                                : JSONError(.unexpectedByte, at: start + mismatch)
        }
        position = start + literal.utf8CodeUnitCount
    }

    // MARK: Character classes

    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
