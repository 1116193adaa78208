/// A bounds-checked cursor over the protobuf wire format, confined to one message's bytes.
///
/// Reads tags, varints and length-delimited fields and skips fields by wire type; groups
/// (wire types 3 and 4, unused by Kubernetes) are rejected. Every read checks the remaining
/// length first and throws `ProtobufError` instead of trapping. Allocation-free; borrows the
/// buffer, so use it only inside the closure that produced the pointer.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    /// A base-128 varint of at most 10 bytes that fits in 64 bits.
    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        for index in 0..<10 {
            guard position < end else { throw ProtobufError(.truncated, at: position) }
            let byte = bytes[position]
            position += 1
            if index == 9, byte > 1 { throw ProtobufError(.malformedVarint, at: position - 1) }
            result |= UInt64(byte & 0x7F) << UInt64(7 * index)
            if byte & 0x80 == 0 { return result }
        }
        throw ProtobufError(.malformedVarint, at: position - 1)
    }

    /// The next field's number and wire type.
    mutating func readTag() throws(ProtobufError) -> (field: UInt64, wireType: UInt8) {
        let start = position
        let key = try readVarint()
        let field = key >> 3
        let wireType = UInt8(key & 7)
        guard field > 0, field <= UInt64(Int32.max) else { throw ProtobufError(.invalidTag, at: start) }
        return (field, wireType)
    }

    /// The byte range of a length-delimited field's payload (its length already read here).
    mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else { throw ProtobufError(.truncated, at: start) }
        let range = position..<position + Int(length)
        position = range.upperBound
        return range
    }

    /// A length-delimited field of the given wire type, or `.invalidTag` for another type.
    mutating func readLengthDelimited(wireType: UInt8) throws(ProtobufError) -> Range<Int> {
        guard wireType == 2 else { throw ProtobufError(.invalidTag, at: position) }
        return try readLengthDelimited()
    }

    /// A string field's value (invalid UTF-8 repaired to U+FFFD).
    mutating func readString(wireType: UInt8) throws(ProtobufError) -> String {
        let range = try readLengthDelimited(wireType: wireType)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A varint field's value, or `.invalidTag` for another wire type.
    mutating func readVarint(wireType: UInt8) throws(ProtobufError) -> UInt64 {
        guard wireType == 0 else { throw ProtobufError(.invalidTag, at: position) }
        return try readVarint()
    }

    /// Skips a field's value.
    mutating func skip(wireType: UInt8) throws(ProtobufError) {
        switch wireType {
        case 0: _ = try readVarint()
        case 1: try advance(8)
        case 2: _ = try readLengthDelimited()
        case 5: try advance(4)
        default: throw ProtobufError(.invalidTag, at: position)
        }
    }

    private mutating func advance(_ count: Int) throws(ProtobufError) {
        guard end - position >= count else { throw ProtobufError(.truncated, at: position) }
        position += count
    }

    /// Runs `body` over the bytes of an array or slice, keeping the error's type.
    static func withBytes<Result>(
        _ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws(ProtobufError) -> Result
    ) throws(ProtobufError) -> Result {
        func attempt(_ raw: UnsafeRawBufferPointer) -> Swift.Result<Result, ProtobufError> {
            do throws(ProtobufError) {
                return .success(try body(raw))
            } catch {
                return .failure(error)
            }
        }
        let outcome = bytes.withContiguousStorageIfAvailable { attempt(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { attempt($0) }
        return try outcome.get()
    }
}
