import Foundation
import KubeAPI

/// GET and LIST.
extension ResourceHandler {
    /// GET of one object: resourceVersion unset or "0" reads the current state; N waits until
    /// the store has reached N (504 `ResourceVersionTooLarge` after the configured wait).
    func get(_ request: SimRequest) async throws(Status) -> SimResponse {
        _ = try representation(request)
        try await waitUntilFresh(info.options.resourceVersion)
        guard let object = store.get(resource, key: key) else {
            throw Status.notFound(group: resource.group, resource: resource.resource, name: key.name)
        }
        return objectResponse(200, object, request)
    }

    /// LIST. Where the read happens:
    /// - continue token: at the token's RV, after its key (410 when that RV left the history);
    /// - RV "0": current state, `limit` ignored (what the API server's cache does);
    /// - RV N with `resourceVersionMatch=Exact`, or with `limit` and no match: exactly at N
    ///   (after waiting for N; 410 when older than the history);
    /// - RV N otherwise: current state once N is reached; RV unset: current state.
    /// Every page of one list reads at one RV; its continue token carries that RV.
    func list(_ request: SimRequest) async throws(Status) -> SimResponse {
        let query = info.options
        let representation = try representation(request)
        let selectors = try selectors()
        let delay = faults.listDelay
        if delay > .zero { try? await Task.sleep(for: delay) }

        var readAt: UInt64?
        var start: ObjectKey?
        var limit = query.limit
        if let token = query.continueToken {
            if let latestStart = ContinueToken.latestStartKey(decoding: token) {
                // An "inconsistent continue" token (rv -1, handed out with a 410): the rest
                // of the list from the latest state.
                start = ContinueToken(resourceVersion: .zero, startKey: latestStart).startObjectKey(listNamespace: listNamespace)
            } else {
                let decoded = try ContinueToken(decoding: token)
                if decoded.resourceVersion.value < store.horizon(of: resource) {
                    return expiredContinue(decoded)
                }
                readAt = decoded.resourceVersion.value
                start = decoded.startObjectKey(listNamespace: listNamespace)
            }
        } else if let version = query.resourceVersion {
            if version == .zero {
                // "Any": the API server's cache answers its current state and ignores limit.
                limit = nil
            } else if query.resourceVersionMatch == .exact || (query.limit != nil && query.resourceVersionMatch == nil) {
                try await waitUntilFresh(version)
                readAt = version.value
            } else {
                try await waitUntilFresh(version)
            }
        }
        let page: ListPage
        do {
            page = try store.list(resource, namespace: listNamespace, selectors: selectors, at: readAt, from: start, limit: limit)
        } catch {
            if let token = query.continueToken, error.reason == .expired, let decoded = try? ContinueToken(decoding: token) {
                return expiredContinue(decoded)
            }
            throw error
        }
        var continueToken: String?
        if let lastKey = page.lastKey {
            continueToken = ContinueToken(
                resourceVersion: ResourceVersion(page.resourceVersion), after: lastKey, listNamespace: listNamespace).encoded
        }
        if representation == .partialMetadata {
            return .json(200, Representation.partialMetadataList(
                resourceVersion: page.resourceVersion, items: page.items, continueToken: continueToken,
                remainingItemCount: page.remainingItemCount))
        }
        if representation == .protobuf {
            return .full(status: 200, headers: [("Content-Type", KubeProtobuf.mediaType)], body: KubeProtobuf.encodeConfigMapList(
                resourceVersion: page.resourceVersion, items: page.items, continueToken: continueToken,
                remainingItemCount: page.remainingItemCount))
        }
        let definition = definition
        let token = continueToken
        return .stream(status: 200, headers: [("Content-Type", "application/json")]) { emit in
            try await ListEncoder.stream(
                definition: definition, resourceVersion: page.resourceVersion, items: page.items,
                continueToken: token, remainingItemCount: page.remainingItemCount, emit: emit)
        }
    }

    /// 410 Expired for a continue token whose resourceVersion left the history, carrying in
    /// `metadata.continue` the "inconsistent" token (rv -1) with which the API server lets a
    /// client finish the list from the latest state.
    func expiredContinue(_ token: ContinueToken) -> SimResponse {
        var json: [UInt8] = Array(#"{"v":"meta.k8s.io/v1","rv":-1,"start":"#.utf8)
        JSONString.append(token.startKey, to: &json)
        json.append(UInt8(ascii: "}"))
        let inconsistent = Data(json).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        var body = Status.expiredContinue().jsonBytes
        let empty = Array(#""metadata":{}"#.utf8)
        if let range = body.firstRange(of: empty) {
            var metadata: [UInt8] = Array(#""metadata":{"continue":"#.utf8)
            JSONString.append(inconsistent, to: &metadata)
            metadata.append(UInt8(ascii: "}"))
            body.replaceSubrange(range, with: metadata)
        }
        return .json(410, body)
    }
}
