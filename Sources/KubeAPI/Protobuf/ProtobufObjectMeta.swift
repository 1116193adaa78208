/// The identity fields of an object's `ObjectMeta`, read from the object's protobuf message
/// (the `raw` bytes of a `ProtobufEnvelope`), so kcache can learn the resourceVersion and
/// uid a write answered with even when the client spoke protobuf.
///
/// Every Kubernetes object message has `metadata` as field 1; `ObjectMeta`
/// (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto) has `name` = 1, `generateName` = 2,
/// `namespace` = 3, `uid` = 5, `resourceVersion` = 6. Other fields are skipped; repeated
/// fields resolve as protobuf does (last scalar wins, messages merge). Throws `ProtobufError`
/// on malformed input; never traps. Allocates only the strings.
public struct ProtobufObjectMeta: Hashable, Sendable {
    public var name: String
    public var generateName: String
    public var namespace: String
    public var uid: String
    /// Nil when absent, empty or not a decimal integer.
    public var resourceVersion: ResourceVersion?

    public init(objectBytes bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        name = ""
        generateName = ""
        namespace = ""
        uid = ""
        resourceVersion = nil
        var reader = ProtobufReader(bytes, range: 0..<bytes.count)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            if field == 1 {
                let metadata = try reader.readLengthDelimited(wireType: wireType)
                try readObjectMeta(bytes, metadata)
            } else {
                try reader.skip(wireType: wireType)
            }
        }
    }

    public init(objectBytes bytes: [UInt8]) throws(ProtobufError) {
        self = try ProtobufReader.withBytes(bytes) { (raw) throws(ProtobufError) in try ProtobufObjectMeta(objectBytes: raw) }
    }

    public init(objectBytes bytes: ArraySlice<UInt8>) throws(ProtobufError) {
        self = try ProtobufReader.withBytes(bytes) { (raw) throws(ProtobufError) in try ProtobufObjectMeta(objectBytes: raw) }
    }

    private mutating func readObjectMeta(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ProtobufError) {
        var reader = ProtobufReader(bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: name = try reader.readString(wireType: wireType)
            case 2: generateName = try reader.readString(wireType: wireType)
            case 3: namespace = try reader.readString(wireType: wireType)
            case 5: uid = try reader.readString(wireType: wireType)
            case 6:
                let value = try reader.readLengthDelimited(wireType: wireType)
                resourceVersion = ResourceVersion(bytes: UnsafeRawBufferPointer(rebasing: bytes[value]))
            default: try reader.skip(wireType: wireType)
            }
        }
    }
}
