/// Whether a protobuf object answered to a DELETE is still there: the `ObjectMeta` fields that
/// say so, read from the object's message (the `raw` of its `ProtobufEnvelope`).
///
/// `ObjectMeta` (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto): `deletionTimestamp` = 9,
/// `deletionGracePeriodSeconds` = 10 (int64), `finalizers` = 14 (repeated string). A Namespace
/// (k8s.io/api/core/v1) also waits on `spec` = 2 → `NamespaceSpec.finalizers` = 1 while it
/// terminates. `ProtobufObjectMeta` reads only identity fields; this reads what read-your-writes
/// needs to tell "deleted" from "marked for deletion" (a Pod's graceful deletion, finalizers),
/// and belongs there once KubeAPI exposes these fields. Never traps: malformed input gives nil.
struct ProtobufDeletionState: Hashable, Sendable {
    var hasDeletionTimestamp = false
    var deletionGracePeriodSeconds: Int64 = 0
    var hasFinalizers = false
    /// A Namespace's `spec.finalizers` (only read when `isNamespace`).
    var hasSpecFinalizers = false

    /// True when the object stays after the DELETE: marked for deletion, with a grace period
    /// or finalizers to wait for.
    var isPending: Bool {
        hasDeletionTimestamp && (deletionGracePeriodSeconds > 0 || hasFinalizers || hasSpecFinalizers)
    }

    /// nil when `object` is not a well-formed message.
    init?(object: ArraySlice<UInt8>, isNamespace: Bool) {
        var reader = Reader(bytes: object)
        while !reader.isAtEnd {
            guard let (field, wireType) = reader.tag() else { return nil }
            if field == 1, wireType == 2 {
                guard var metadata = reader.message() else { return nil }
                while !metadata.isAtEnd {
                    guard let (metaField, metaWireType) = metadata.tag() else { return nil }
                    switch (metaField, metaWireType) {
                    case (9, 2): hasDeletionTimestamp = true
                    case (10, 0):
                        guard let value = metadata.varint() else { return nil }
                        deletionGracePeriodSeconds = Int64(bitPattern: value)
                        continue
                    case (14, 2): hasFinalizers = true
                    default: break
                    }
                    guard metadata.skip(wireType: metaWireType) else { return nil }
                }
            } else if field == 2, wireType == 2, isNamespace {
                guard var spec = reader.message() else { return nil }
                while !spec.isAtEnd {
                    guard let (specField, specWireType) = spec.tag() else { return nil }
                    if specField == 1, specWireType == 2 { hasSpecFinalizers = true }
                    guard spec.skip(wireType: specWireType) else { return nil }
                }
            } else {
                guard reader.skip(wireType: wireType) else { return nil }
            }
        }
    }

    /// A bounds-checked cursor over one message; nil from any read means malformed input.
    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            position = bytes.startIndex
        }

        var isAtEnd: Bool { position >= bytes.endIndex }

        mutating func varint() -> UInt64? {
            var result: UInt64 = 0
            for index in 0..<10 {
                guard position < bytes.endIndex else { return nil }
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7F) << UInt64(7 * index)
                if byte & 0x80 == 0 { return result }
            }
            return nil
        }

        mutating func tag() -> (field: UInt64, wireType: UInt8)? {
            guard let key = varint(), key >> 3 > 0 else { return nil }
            return (key >> 3, UInt8(key & 7))
        }

        /// The payload of a length-delimited field (its tag already read) as its own reader.
        mutating func message() -> Reader? {
            guard let length = varint(), length <= UInt64(bytes.endIndex - position) else { return nil }
            let payload = bytes[position..<position + Int(length)]
            position += Int(length)
            return Reader(bytes: payload)
        }

        /// Skips a field's value; false when it runs past the end or the wire type is unknown.
        mutating func skip(wireType: UInt8) -> Bool {
            switch wireType {
            case 0: return varint() != nil
            case 1, 5:
                let width = wireType == 1 ? 8 : 4
                guard bytes.endIndex - position >= width else { return false }
                position += width
                return true
            case 2: return message() != nil
            default: return false
            }
        }
    }
}
