/// How objects are rendered in answers: whole, or as `PartialObjectMetadata` — what metadata
/// informers and the garbage collector ask for with
/// `Accept: application/json;as=PartialObjectMetadata(List);g=meta.k8s.io;v=v1`.
public enum ObjectFormat: Sendable, Hashable {
    case full
    case partialMetadata
}

extension CachedObject {
    static let partialPrefix = Array(#"{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#.utf8)

    /// The object as a `PartialObjectMetadata`: its `metadata` and nothing else.
    public var partialMetadataBytes: [UInt8] {
        var bytes = Self.partialPrefix
        bytes.reserveCapacity(bytes.count + metadataBytes.count + 1)
        bytes += metadataBytes
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// The bytes of the object in `format`.
    public func bytes(in format: ObjectFormat) -> ArraySlice<UInt8> {
        switch format {
        case .full: bytes
        case .partialMetadata: partialMetadataBytes[...]
        }
    }
}
