import Foundation
import KubeAPI

/// A LIST continue token in the API server's format: unpadded URL-safe base64 of
/// `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`, where `<key>` is the next storage
/// key relative to the list's prefix (`ns/name` for a list across namespaces, `name` inside
/// one namespace or for cluster-scoped kinds).
///
/// Seam to KubeAPI's `ContinueToken`; switch when it lands on main.
struct ContinueCursor: Sendable, Equatable {
    var resourceVersion: UInt64
    var startKey: String

    init(resourceVersion: UInt64, startKey: String) {
        self.resourceVersion = resourceVersion
        self.startKey = startKey
    }

    /// The token for the page after `lastKey`, relative to a list scoped to `namespace`.
    init(resourceVersion: UInt64, after lastKey: ObjectKey, namespaceScoped: Bool) {
        self.resourceVersion = resourceVersion
        startKey = (namespaceScoped ? lastKey.name : lastKey.storageKey) + "\u{0}"
    }

    var encoded: String {
        var json: [UInt8] = []
        json.append(contentsOf: #"{"v":"meta.k8s.io/v1","rv":"#.utf8)
        json.append(contentsOf: String(resourceVersion).utf8)
        json.append(contentsOf: #","start":"#.utf8)
        JSONString.append(startKey, to: &json)
        json.append(UInt8(ascii: "}"))
        return Data(json).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a token. - Throws: 400 BadRequest for anything but a valid token.
    init(decoding token: String) throws(Status) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64),
              let parsed = try? JSONParser.parse(Array(data)).objectValue,
              parsed.string("v") == "meta.k8s.io/v1",
              let rvText = parsed["rv"].flatMap({ value -> String? in if case .number(let text) = value { return text }; return nil }),
              let version = UInt64(rvText),
              let start = parsed.string("start"), !start.isEmpty
        else {
            throw Status.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        resourceVersion = version
        startKey = start
    }

    /// The key the next page starts after, for a list scoped to `namespace` (nil for all).
    func lastKey(namespace: String?, namespaced: Bool) -> ObjectKey {
        var key = startKey
        if key.hasSuffix("\u{0}") { key.removeLast() }
        if let namespace { return ObjectKey(namespace: namespace, name: key) }
        if namespaced, let slash = key.firstIndex(of: "/") {
            return ObjectKey(namespace: String(key[..<slash]), name: String(key[key.index(after: slash)...]))
        }
        return ObjectKey(name: key)
    }
}
