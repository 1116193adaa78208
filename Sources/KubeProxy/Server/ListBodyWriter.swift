import KubeAPI
import KubeCache

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

    /// The next pieces of the body, about `maxBytes` in all; empty once everything is written.
    public mutating func next(maxBytes: Int) -> [ArraySlice<UInt8>] {
        var segments: [ArraySlice<UInt8>] = []
        var bytes = 0
        if !wrotePrefix {
            wrotePrefix = true
            segments.append(prefix[...])
            bytes += prefix.count
        }
        while bytes < maxBytes, nextItem < items.count {
            let item = items[nextItem]
            if nextItem > 0 { segments.append(Self.comma) }
            switch format {
            case .full:
                if stripsTypeMeta, let body = item.listItemBody {
                    segments.append(Self.openBrace)
                    segments.append(body)
                } else {
                    segments.append(item.bytes)
                }
                bytes += item.bytes.count + 1
            case .partialMetadata:
                segments.append(Self.partialItemPrefix[...])
                segments.append(item.metadataBytes)
                segments.append(Self.closeBrace)
                bytes += Self.partialItemPrefix.count + item.metadataBytes.count + 2
            }
            nextItem += 1
        }
        if nextItem == items.count && !wroteSuffix && bytes < maxBytes {
            wroteSuffix = true
            segments.append(Self.suffix[...])
        }
        return segments
    }

    private static let comma: ArraySlice<UInt8> = [UInt8(ascii: ",")]
    private static let closeBrace: ArraySlice<UInt8> = [UInt8(ascii: "}")]
    private static let openBrace: ArraySlice<UInt8> = [UInt8(ascii: "{")]
}
