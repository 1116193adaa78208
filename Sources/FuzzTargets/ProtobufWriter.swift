/// A minimal protobuf encoder (varints and length-delimited fields only): builds the seed
/// envelopes and the re-encodings the protobuf round trips compare against. Written here
/// independently of KubeAPI's reader; fields are emitted in the order they are added.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    /// Field `field` as a varint (wire type 0).
    func varint(_ field: UInt64, _ value: UInt64) -> ProtobufWriter {
        var copy = self
        copy.bytes += ProtobufWriter.varint(field << 3) + ProtobufWriter.varint(value)
        return copy
    }

    /// Field `field` as length-delimited bytes (wire type 2).
    func bytes(_ field: UInt64, _ payload: [UInt8]) -> ProtobufWriter {
        var copy = self
        copy.bytes += ProtobufWriter.varint(field << 3 | 2) + ProtobufWriter.varint(UInt64(payload.count)) + payload
        return copy
    }

    func string(_ field: UInt64, _ text: String) -> ProtobufWriter { bytes(field, Array(text.utf8)) }

    func message(_ field: UInt64, _ nested: ProtobufWriter) -> ProtobufWriter { bytes(field, nested.bytes) }

    /// Raw bytes appended as they are (for fixed-width and unknown fields in seeds).
    func raw(_ payload: [UInt8]) -> ProtobufWriter {
        var copy = self
        copy.bytes += payload
        return copy
    }
}
