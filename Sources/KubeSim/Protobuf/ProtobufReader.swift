import KubeAPI

/// A minimal protocol buffers decoder: walks the fields of one message. Unknown fields are
/// skipped, malformed input is a 400 `Status` (what the API server answers for a body it
/// cannot decode).
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    static func malformed() -> Status {
        Status.badRequest("the object provided is unrecognized: unable to decode protobuf body")
    }

    private mutating func varint() throws(Status) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { break }
        }
        throw ProtobufReader.malformed()
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(Status) -> (field: Int, value: Value)? {
        guard index < bytes.endIndex else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        switch key & 7 {
        case 0:
            return (field, .varint(try varint()))
        case 1:
            guard index + 8 <= bytes.endIndex else { throw ProtobufReader.malformed() }
            index += 8
            return (field, .fixed)
        case 2:
            let length = Int(try varint())
            guard length >= 0, index + length <= bytes.endIndex else { throw ProtobufReader.malformed() }
            defer { index += length }
            return (field, .bytes(bytes[index..<index + length]))
        case 5:
            guard index + 4 <= bytes.endIndex else { throw ProtobufReader.malformed() }
            index += 4
            return (field, .fixed)
        default:
            throw ProtobufReader.malformed()
        }
    }

    /// All fields of a message, in order.
    static func fields(_ bytes: ArraySlice<UInt8>) throws(Status) -> [(field: Int, value: Value)] {
        var reader = ProtobufReader(bytes)
        var fields: [(field: Int, value: Value)] = []
        while let field = try reader.next() { fields.append(field) }
        return fields
    }
}

extension ProtobufReader.Value {
    var string: String? {
        if case .bytes(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    var slice: ArraySlice<UInt8>? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    var integer: Int64? {
        if case .varint(let value) = self { return Int64(bitPattern: value) }
        return nil
    }
}
