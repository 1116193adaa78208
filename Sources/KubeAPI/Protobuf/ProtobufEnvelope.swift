/// The envelope of a Kubernetes protobuf body (`application/vnd.kubernetes.protobuf`): the
/// 4-byte magic `k8s\0`, then a `runtime.Unknown` message whose `raw` field holds the object.
///
/// `runtime.Unknown` (k8s.io/apimachinery/pkg/runtime/generated.proto): `typeMeta` = 1
/// (`runtime.TypeMeta`: `apiVersion` = 1, `kind` = 2), `raw` = 2, `contentEncoding` = 3,
/// `contentType` = 4. Unknown fields are skipped; a repeated field's last value wins and a
/// repeated `typeMeta` merges, as protobuf decoding does. Throws `ProtobufError` on a missing
/// magic, truncation, malformed varints and wrong wire types; never traps. Allocates only
/// the strings.
public struct ProtobufEnvelope: Hashable, Sendable {
    /// `k8s` followed by a NUL byte.
    public static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    public var apiVersion: String
    public var kind: String
    /// Byte range of the object's serialized message in the parsed input; empty when absent.
    public var raw: Range<Int>
    /// Empty when unset (no encoding).
    public var contentEncoding: String
    /// Empty when unset (the object is protobuf).
    public var contentType: String

    public init(parsing bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        guard bytes.count >= 4, bytes[0] == 0x6B, bytes[1] == 0x38, bytes[2] == 0x73, bytes[3] == 0x00 else {
            throw ProtobufError(.missingMagic, at: 0)
        }
        apiVersion = ""
        kind = ""
        raw = bytes.count..<bytes.count
        contentEncoding = ""
        contentType = ""
        var reader = ProtobufReader(bytes, range: 4..<bytes.count)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1:
                let typeMeta = try reader.readLengthDelimited(wireType: wireType)
                try readTypeMeta(bytes, typeMeta)
            case 2: raw = try reader.readLengthDelimited(wireType: wireType)
            case 3: contentEncoding = try reader.readString(wireType: wireType)
            case 4: contentType = try reader.readString(wireType: wireType)
            default: try reader.skip(wireType: wireType)
            }
        }
    }

    public init(parsing bytes: [UInt8]) throws(ProtobufError) {
        self = try ProtobufReader.withBytes(bytes) { (raw) throws(ProtobufError) in try ProtobufEnvelope(parsing: raw) }
    }

    /// Parses a slice; `raw` is in the slice's indices.
    public init(parsing bytes: ArraySlice<UInt8>) throws(ProtobufError) {
        self = try ProtobufReader.withBytes(bytes) { (raw) throws(ProtobufError) in try ProtobufEnvelope(parsing: raw) }
        raw = raw.lowerBound + bytes.startIndex..<raw.upperBound + bytes.startIndex
    }

    /// Whether the body starts with the protobuf magic (a cheap content sniff).
    public static func hasMagic(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }

    private mutating func readTypeMeta(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ProtobufError) {
        var reader = ProtobufReader(bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: apiVersion = try reader.readString(wireType: wireType)
            case 2: kind = try reader.readString(wireType: wireType)
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}
