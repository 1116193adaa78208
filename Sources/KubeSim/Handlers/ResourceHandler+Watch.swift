import KubeAPI

/// WATCH: where the stream starts (RV unset/"0", N, `sendInitialEvents`), and the 410 that an
/// expired start becomes inside a 200 stream.
extension ResourceHandler {
    /// WATCH. RV unset or "0": synthetic ADDED for the current objects, then changes. RV N:
    /// changes after N (410 as an ERROR event when N is older than the history; a future N
    /// starts at once and skips events up to N). `sendInitialEvents=true`: the current objects
    /// (once N is reached), then a BOOKMARK annotated `k8s.io/initial-events-end`, then changes.
    /// A name in the path watches that object only (as `fieldSelector=metadata.name=…`).
    func watch(_ request: SimRequest) async throws(Status) -> SimResponse {
        if faults.refuseWatches {
            throw Status.serviceUnavailable("watch refused: the simulated API server is refusing watches")
        }
        // The API server's WatchList defaults (1.32, feature on): a watch from RV unset/"0"
        // stating neither option is served as sendInitialEvents=true.
        let query = info.options.withWatchListDefaults()
        let partialMetadata = try representation(request) == .partialMetadata
        // A watch of one named object carries a metadata.name field selector (RequestInfo).
        let selectors = try selectors()
        // The initial-events-end bookmark goes only to watchers that allow bookmarks (the
        // cacher's isListWatchRequest).
        let start: WatchStartPoint
        switch query.sendInitialEvents {
        case true?:
            try await waitUntilFresh(query.resourceVersion)
            start = .currentState(endBookmark: query.allowWatchBookmarks)
        case false?:
            start = .after(query.resourceVersion.flatMap { $0 == .zero ? nil : $0.value } ?? store.currentResourceVersion)
        case nil:
            if let version = query.resourceVersion, version != .zero {
                start = .after(version.value)
            } else {
                start = .currentState(endBookmark: false)
            }
        }
        // timeoutSeconds: N > 0 ends the stream after N s; a negative value at once (the API
        // server's timer fires immediately); 0 or absent lets the server pick (no deadline here).
        let deadline = query.timeoutSeconds.flatMap { $0 != 0 ? ContinuousClock.now + .seconds(max($0, 0)) : nil }
        let session: WatchSession
        do {
            let registration = try store.watch(
                resource, namespace: listNamespace, selectors: selectors, start: start,
                allowBookmarks: query.allowWatchBookmarks)
            session = WatchSession(
                store: store, faults: faults, registration: registration, expired: nil, deadline: deadline,
                bookmarkInterval: configuration.bookmarkInterval, partialMetadata: partialMetadata)
        } catch where error.reason == .expired {
            session = WatchSession(
                store: store, faults: faults, registration: nil, expired: error, deadline: deadline,
                bookmarkInterval: configuration.bookmarkInterval)
        }
        return .watch(session)
    }
}
