import KubeAPI

/// GET and LIST.
extension ResourceHandler {
    /// GET of one object: resourceVersion unset or "0" reads the current state; N waits until
    /// the store has reached N (504 `ResourceVersionTooLarge` after the configured wait).
    func get(_ request: SimRequest) async throws(Status) -> SimResponse {
        _ = try representation(request)
        if let text = request.queryValue("resourceVersion"), !text.isEmpty {
            try await waitUntilFresh(try ResourceVersion(parsing: text))
        }
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
        let query = try ListQuery(request, isWatch: false)
        let representation = try representation(request)
        let selectors = try Selectors(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, definition: definition)
        let delay = faults.listDelay
        if delay > .zero { try? await Task.sleep(for: delay) }

        var readAt: UInt64?
        var after: ObjectKey?
        var limit = query.limit
        if let token = query.continueToken {
            let cursor = try ContinueCursor(decoding: token)
            if cursor.resourceVersion < store.horizon(of: resource) { throw Status.expiredContinue() }
            readAt = cursor.resourceVersion
            after = cursor.lastKey(namespace: listNamespace, namespaced: definition.namespaced)
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
            page = try store.list(resource, namespace: listNamespace, selectors: selectors, at: readAt, after: after, limit: limit)
        } catch {
            throw query.continueToken != nil && error.reason == .expired ? Status.expiredContinue() : error
        }
        var continueToken: String?
        if let lastKey = page.lastKey {
            continueToken = ContinueCursor(
                resourceVersion: page.resourceVersion, after: lastKey,
                namespaceScoped: listNamespace != nil || !definition.namespaced).encoded
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
}
