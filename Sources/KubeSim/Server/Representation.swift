import KubeAPI

/// How an answer is encoded, chosen from the client's `Accept` as the API server negotiates:
/// the first listed media type KubeSim can produce wins.
///
/// - `json`: the objects themselves.
/// - `protobuf`: the Kubernetes protobuf envelope (kinds with a codec only).
/// - `partialMetadata`: `as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1` — each object
///   reduced to `kind`/`apiVersion`/`metadata` (metadata informers, the garbage collector).
/// Tables (`as=Table`) are not produced: such an entry is skipped, and kubectl's Accept always
/// ends with plain `application/json`, which it then prints itself.
enum Representation: Sendable, Equatable {
    case json
    case protobuf
    case partialMetadata

    /// Picks the representation; nil when nothing acceptable can be produced (406).
    static func negotiate(_ accept: String?, protobufCapable: Bool) -> Representation? {
        guard let accept, !accept.trimmingSpaces.isEmpty else { return .json }
        for entry in accept.split(separator: ",") {
            let parts = entry.split(separator: ";").map { String($0).trimmingSpaces }
            let media = parts.first?.lowercased() ?? ""
            var parameters: [String: String] = [:]
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { parameters[pair[0].lowercased()] = pair[1] }
            }
            let wantsAs = parameters["as"]
            switch media {
            case "application/json", "*/*", "application/*":
                if wantsAs == nil { return .json }
                if (wantsAs == "PartialObjectMetadata" || wantsAs == "PartialObjectMetadataList"),
                   parameters["g"] == "meta.k8s.io", parameters["v"] == "v1" {
                    return .partialMetadata
                }
            case KubeProtobuf.mediaType:
                if wantsAs == nil, protobufCapable { return .protobuf }
            default:
                continue
            }
        }
        return nil
    }

    /// `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{…}}`.
    static func partialMetadata(_ object: StoredObject) -> [UInt8] {
        partialMetadata(metadata: .object(ObjectMeta.metadata(of: object.parsed())))
    }

    static func partialMetadata(metadata: JSONValue) -> [UInt8] {
        var out: [UInt8] = Array(#"{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#.utf8)
        metadata.write(to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A PartialObjectMetadataList body.
    /// A PartialObjectMetadataList body: the list metadata as for any LIST, each item reduced
    /// to its metadata.
    static func partialMetadataList(resourceVersion: UInt64, items: [StoredObject], continueToken: String?, remainingItemCount: Int?) -> [UInt8] {
        var out: [UInt8] = Array(#"{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"#.utf8)
        JSONString.append(String(resourceVersion), to: &out)
        if let continueToken {
            out.append(contentsOf: #","continue":"#.utf8)
            JSONString.append(continueToken, to: &out)
        }
        if let remainingItemCount {
            out.append(contentsOf: #","remainingItemCount":"#.utf8)
            out.append(contentsOf: String(remainingItemCount).utf8)
        }
        out.append(contentsOf: #"},"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: partialMetadata(item))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
