/// Why a protobuf reader of KubeAPI rejected its input, and where.
///
/// Thrown (typed) by `ProtobufEnvelope`, `ProtobufObjectMeta` and `Status(protobufObject:)`.
/// Every length and varint is bounds-checked before use, so hostile input ends in one of
/// these, never in a trap or an out-of-bounds read.
public struct ProtobufError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Hashable, Sendable {
        /// The body does not start with the 4-byte magic `k8s\0`.
        case missingMagic = "missing k8s protobuf magic"
        /// A varint, length or fixed-width value runs past the end of its message.
        case truncated = "truncated message"
        /// A varint longer than 10 bytes or overflowing 64 bits.
        case malformedVarint = "malformed varint"
        /// Field number 0, a wire type other than 0, 1, 2 or 5, or a known field with the
        /// wrong wire type.
        case invalidTag = "invalid field tag"
    }

    public var reason: Reason
    /// Byte offset into the input at which the problem was found.
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}
