/// A minimal protocol buffers encoder: varints, length-delimited fields and nested messages,
/// appended in the order written (callers write fields in field-number order, as Go's
/// generated marshallers do).
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init() {}

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func tag(_ field: Int, wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    /// A varint field (int32/int64/bool); negative values take ten bytes, as in Go.
    mutating func int(_ field: Int, _ value: Int64) {
        tag(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        int(field, value ? 1 : 0)
    }

    mutating func bytes(_ field: Int, _ value: some Collection<UInt8>) {
        tag(field, wireType: 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message written by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        body(&nested)
        bytes(field, nested.bytes)
    }

    /// A `map<string, string>` (or bytes) field: one entry message per pair, sorted by key as
    /// Go's generated code writes maps.
    mutating func map(_ field: Int, _ pairs: [(String, [UInt8])]) {
        for (key, value) in pairs.sorted(by: { $0.0 < $1.0 }) {
            message(field) { entry in
                entry.string(1, key)
                entry.bytes(2, value)
            }
        }
    }
}
