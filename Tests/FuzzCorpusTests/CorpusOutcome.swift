import Foundation
import FuzzTargets
import KubeAPI
import KubeProxy

/// Whether a target's main parser accepts an input, read the way the target reads it: the
/// corpus tests use it to show that a corpus covers both outcomes.
enum CorpusOutcome {
    static func accepts(_ target: FuzzTarget, _ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let firstLine = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        switch target {
        case .requestInfo:
            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
            return parts.count == 2 && (try? RequestInfo(method: parts[0], uri: parts[1]))?.isResourceRequest == true
        case .labelSelector: return (try? LabelSelector(parsing: firstLine)) != nil
        case .fieldSelector: return (try? FieldSelector(parsing: firstLine)) != nil
        case .continueToken:
            // JSON inputs are wrapped in base64url by the target, as a client's token is.
            let token = bytes.first != UInt8(ascii: "{") ? text : Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            return (try? ContinueToken(decoding: token)) != nil
        case .objectJSON: return (try? ObjectJSON.metadata(of: bytes)) != nil
        case .listBody: return (try? ListBody(parsing: bytes))?.items.isEmpty == false
        case .statusJSON: return Status.status(fromJSON: bytes) != nil
        case .protobuf: return (try? ProtobufEnvelope(parsing: bytes)) != nil
        case .watchEvent: return bytes.split(separator: UInt8(ascii: "\n")).contains { (try? WatchEventLine(parsing: $0)) != nil }
        case .cachedObject: return (try? ObjectJSON.metadata(of: bytes)).map { !$0.name.isEmpty && $0.resourceVersion != nil } ?? false
        case .requestHead:
            if case .head = bytes.withUnsafeBytes({ RequestHead.frame($0) }) { return true }
            return false
        }
    }
}
