import KubeAPI

extension Reflector {
    /// How one upstream watch ended.
    enum WatchOutcome {
        /// The upstream said our RV is too old: relist.
        case expired
        /// The stream ended (timeout, connection closed by the upstream).
        case ended(hadEvents: Bool, lasted: Duration)
    }

    /// Watches from the cache's RV until the stream ends, applying every event.
    func watchOnce() async throws -> WatchOutcome {
        let start = ContinuousClock.now
        let timeout = configuration.minimumWatchTimeout * Double.random(in: 1..<2)
        let resourceVersion = cache.resourceVersion
        let request = ListerWatcherRequest(
            resourceVersion: resourceVersion, allowWatchBookmarks: true,
            timeoutSeconds: Int(timeout.components.seconds))
        let lines = try await listerWatcher.watch(request)
        // Data restored from a snapshot counts as resynced only once the upstream has shown
        // it still has the history after the saved RV: it answers an expired RV at once with
        // an ERROR event inside the accepted stream, so a first event, or a short while without
        // that error, is the proof. Anything else is live as soon as it is accepted.
        let wasRestored = cache.readiness == .restored
        if !wasRestored { cache.setReadiness(.synced) }
        let confirmation = wasRestored ? Task { [cache, logger, configuration] in
            try await Task.sleep(for: configuration.minimumWatchDuration)
            if cache.readiness == .restored {
                cache.setReadiness(.synced)
                logger.info("watch resumed from snapshot without relisting", metadata: ["resourceVersion": "\(resourceVersion)"])
            }
        } : nil
        defer { confirmation?.cancel() }
        statistics.record(\.watches)
        logger.info(wasRestored ? "watch resuming from snapshot" : "watch started",
                    metadata: ["resourceVersion": "\(resourceVersion)"])
        var hadEvents = false
        do {
            for try await line in lines {
                hadEvents = true
                if case .expired = try handle(line: line) {
                    confirmation?.cancel()
                    return .expired
                }
                if wasRestored && cache.readiness == .restored {
                    confirmation?.cancel()
                    cache.setReadiness(.synced)
                    logger.info("watch resumed from snapshot without relisting", metadata: ["resourceVersion": "\(resourceVersion)"])
                }
            }
        } catch ListerWatcherError.transport(let message) where hadEvents || .now - start >= configuration.minimumWatchDuration {
            // A watch that worked and then broke off (the upstream restarted, a load balancer
            // cut the connection) ends like a normal one: re-watch from the last RV at once, as
            // client-go does. Only a watch that fails at once counts as an error to back off.
            logger.info("upstream watch broke off; re-watching", metadata: ["error": "\(message)"])
            return .ended(hadEvents: hadEvents, lasted: .now - start)
        }
        // A watch that ran to its end without an error has resumed, even on a quiet kind.
        if wasRestored && cache.readiness == .restored { cache.setReadiness(.synced) }
        return .ended(hadEvents: hadEvents, lasted: .now - start)
    }

    private enum LineOutcome { case handled, expired }

    /// Applies one event line; a malformed one is counted, logged and skipped.
    private func handle(line: [UInt8]) throws -> LineOutcome {
        let event: WatchEventLine
        do {
            event = try WatchEventLine(parsing: line)
        } catch {
            statistics.record(\.malformedEvents)
            logger.warning("skipped malformed watch event", metadata: ["error": "\(error)", "bytes": "\(line.count)"])
            return .handled
        }
        let objectBytes = line[event.object]
        switch event.type {
        case .added, .modified, .deleted:
            do {
                let (cached, encoded) = try CachedObject.fromWatchEvent(event.type, object: objectBytes, resource: cache.resource)
                if cache.apply(event.type, object: cached, encodedLine: encoded) == .stale {
                    statistics.record(\.staleEvents)
                }
                statistics.record(event: event.type)
            } catch {
                statistics.record(\.malformedEvents)
                logger.warning("skipped malformed watch event", metadata: ["error": "\(error)"])
            }
        case .bookmark:
            let metadata = try? objectBytes.withUnsafeBytes { try ObjectJSON.metadata(of: $0) }
            if let resourceVersion = metadata?.resourceVersion {
                cache.advance(to: resourceVersion)
            }
            statistics.record(\.bookmarks)
        case .error:
            let status = Status.status(fromJSON: Array(objectBytes))
                ?? Status.internalError("undecodable ERROR event")
            if status.code == 410 { return .expired }
            throw ListerWatcherError.status(status, retryAfter: status.details?.retryAfterSeconds.map { .seconds($0) })
        }
        return .handled
    }
}
