import KubeAPI
import KubeCache
import NIOCore

/// Writes a LIST answer from cached objects: the envelope, then each object's stored bytes,
/// comma-separated — no JSON is re-encoded (DESIGN.md invariant 1).
///
/// The total length is known before the first byte is written (so the answer carries
/// `Content-Length`), and the body is produced in pieces of about `maxBytes` as the socket
/// drains, so a LIST of a whole large kind never sits in memory as one buffer.
public struct ListBodyWriter: Sendable {
    private let prefix: [UInt8]
    private let items: [CachedObject]
    private let format: ObjectFormat
    /// Built-in kinds' items go without `kind`/`apiVersion`, as the API server writes them.
    private let stripsTypeMeta: Bool
    private static let suffix = Array("]}\n".utf8)
    private static let partialItemPrefix = Array(#"{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#.utf8)
    /// The length of the whole body.
    public let contentLength: Int
    private var nextItem = 0
    private var wrotePrefix = false
    private var wroteSuffix = false

    /// A list body for `result`, as a `kind`/`apiVersion` list (`ConfigMapList`, `v1`), or as
    /// a `PartialObjectMetadataList` when `format` asks for metadata only.
    public init(result: ListResult, resource: APIResource, format: ObjectFormat) {
        var prefix: [UInt8] = []
        switch format {
        case .full:
            prefix += Array(#"{"kind":"#.utf8)
            JSONString.append(resource.listKind, to: &prefix)
            prefix += Array(#","apiVersion":"#.utf8)
            JSONString.append(resource.apiVersion, to: &prefix)
        case .partialMetadata:
            prefix += Array(#"{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1""#.utf8)
        }
        prefix += Array(#","metadata":{"resourceVersion":""#.utf8)
        prefix += Array(result.resourceVersion.description.utf8)
        prefix.append(UInt8(ascii: "\""))
        if let token = result.continueToken {
            prefix += Array(#","continue":"#.utf8)
            JSONString.append(token, to: &prefix)
        }
        if let remaining = result.remainingItemCount {
            prefix += Array(#","remainingItemCount":"#.utf8) + Array(String(remaining).utf8)
        }
        prefix += Array(#"},"items":["#.utf8)
        self.prefix = prefix
        self.items = result.items
        self.format = format
        stripsTypeMeta = !resource.isCustomResource
        var length = prefix.count + Self.suffix.count + max(0, result.items.count - 1)
        for item in result.items {
            switch format {
            case .full:
                if stripsTypeMeta, let body = item.listItemBody {
                    length += 1 + body.count
                } else {
                    length += item.bytes.count
                }
            case .partialMetadata:
                length += Self.partialItemPrefix.count + item.metadataBytes.count + 1
            }
        }
        contentLength = length
    }

    /// Appends the next part of the body to `buffer`, about `maxBytes` of it; returns false
    /// (writing nothing) once everything has been written. Stored bytes are copied straight
    /// into the buffer: no intermediate arrays, no re-encoding.
    public mutating func write(into buffer: inout ByteBuffer, maxBytes: Int) -> Bool {
        let start = buffer.writerIndex
        if !wrotePrefix {
            wrotePrefix = true
            buffer.writeBytes(prefix)
        }
        while buffer.writerIndex - start < maxBytes, nextItem < items.count {
            let item = items[nextItem]
            if nextItem > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            switch format {
            case .full:
                if stripsTypeMeta, let body = item.listItemBody {
                    buffer.writeInteger(UInt8(ascii: "{"))
                    buffer.writeBytes(body)
                } else {
                    buffer.writeBytes(item.bytes)
                }
            case .partialMetadata:
                buffer.writeBytes(Self.partialItemPrefix)
                buffer.writeBytes(item.metadataBytes)
                buffer.writeInteger(UInt8(ascii: "}"))
            }
            nextItem += 1
        }
        if nextItem == items.count && !wroteSuffix && buffer.writerIndex - start < maxBytes {
            wroteSuffix = true
            buffer.writeBytes(Self.suffix)
        }
        return buffer.writerIndex > start
    }
}
