import KubeAPI

/// Serving WATCH: registering watchers and handing them history.
extension ResourceCache {
    /// Starts a watch.
    ///
    /// - Parameters:
    ///   - wake: called (from any thread) when a watcher that returned `.idle` has something
    ///     to send, or has been ended; may instead be set later with `CacheWatcher.setWake`.
    /// - Throws: `410 Expired` (`too old resource version: N (M)`) when the request resumes
    ///   from an RV older than the history holds. The API server delivers that as an `ERROR`
    ///   event in a `200` stream; so should the caller.
    public func watch(_ request: WatchRequest, wake: (@Sendable () -> Void)? = nil) throws(Status) -> CacheWatcher {
        let signal = WakeSignal(wake)
        return try state.withLock { state throws(Status) -> CacheWatcher in
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            let head = state.history.lastSequence
            let watcher: CacheWatcher
            switch request.start {
            case .initialEvents(let endBookmark):
                let initial = CacheWatcher.InitialEvents(
                    objects: state.store.objects(namespace: request.filter.namespace, from: nil), endBookmark: endBookmark,
                    resourceVersion: state.store.resourceVersion)
                watcher = CacheWatcher(
                    id: id, cache: self, request: request, position: state.store.resourceVersion,
                    initial: initial, startAfter: .zero, wake: signal)
                state.watchers[id] = WatcherSlot(cursor: head, isStreaming: false, wake: signal)
            case .now:
                watcher = CacheWatcher(
                    id: id, cache: self, request: request, position: state.store.resourceVersion,
                    initial: nil, startAfter: .zero, wake: signal)
                state.watchers[id] = WatcherSlot(cursor: head, isStreaming: true, wake: signal)
            case .after(let resourceVersion):
                if resourceVersion >= state.store.resourceVersion {
                    // At or ahead of the cache: start now, deliver only events after it.
                    watcher = CacheWatcher(
                        id: id, cache: self, request: request, position: resourceVersion,
                        initial: nil, startAfter: resourceVersion, wake: signal)
                    state.watchers[id] = WatcherSlot(cursor: head, isStreaming: true, wake: signal)
                } else {
                    guard let cursor = state.history.cursor(after: resourceVersion) else {
                        throw Status.expired(requested: resourceVersion, oldest: state.history.oldestResumable)
                    }
                    watcher = CacheWatcher(
                        id: id, cache: self, request: request, position: resourceVersion,
                        initial: nil, startAfter: resourceVersion, wake: signal)
                    state.watchers[id] = WatcherSlot(cursor: cursor, isStreaming: true, wake: signal)
                }
            }
            return watcher
        }
    }

    /// The number of registered watchers.
    public var watcherCount: Int { state.withLock { $0.watchers.count } }

    /// What a watcher reads next from the history.
    enum HistoryRead {
        case events(ArraySlice<WatchCacheEvent>)
        /// Nothing new; the watcher is marked waiting and will be woken.
        case idle
        case ended(WatchEnd)
        /// The history dropped events the watcher had not read: it ends as too slow.
        case fellOutOfHistory
    }

    /// Takes up to `limit` events after watcher `id`'s cursor and advances it past them.
    func events(for id: UInt64, limit: Int) -> HistoryRead {
        let read = state.withLock { state -> HistoryRead in
            guard let slot = state.watchers[id] else { return .ended(.stopped) }
            if let end = slot.end { return .ended(end) }
            guard let events = state.history.events(after: slot.cursor, limit: limit) else {
                state.watchers[id]?.end = .tooSlow
                state.counters.slowWatchersEnded += 1
                return .fellOutOfHistory
            }
            guard let last = events.last else {
                state.watchers[id]?.isWaiting = true
                return .idle
            }
            state.watchers[id]?.cursor = last.sequence
            return .events(events)
        }
        guard case .fellOutOfHistory = read else { return read }
        logger.info("ended a watcher whose events left the history before it read them", metadata: ["watcher": "\(id)"])
        return .ended(.tooSlow)
    }

    /// Marks watcher `id` as past its initial events: from now on the lag bound applies.
    func beginStreaming(_ id: UInt64) {
        state.withLock { $0.watchers[id]?.isStreaming = true }
    }

    /// The cache's RV when watcher `id` has consumed every event, else nil.
    func bookmarkResourceVersion(for id: UInt64) -> ResourceVersion? {
        state.withLock { state in
            guard let slot = state.watchers[id], slot.cursor >= state.history.lastSequence else { return nil }
            return state.store.resourceVersion
        }
    }

    func isEnded(_ id: UInt64) -> Bool {
        state.withLock { $0.watchers[id].map { $0.end != nil } ?? true }
    }

    func removeWatcher(_ id: UInt64) {
        _ = state.withLock { $0.watchers.removeValue(forKey: id) }
    }

    /// Ends every watcher (the cache is shutting down or dropping its state); each is woken
    /// to see `.ended(.stopped)`.
    public func endAllWatchers() {
        let wakes = state.withLock { state -> [WakeSignal] in
            var wakes: [WakeSignal] = []
            for (id, slot) in state.watchers where slot.end == nil {
                state.watchers[id]?.end = .stopped
                wakes.append(slot.wake)
            }
            return wakes
        }
        for wake in wakes { wake.fire() }
    }
}
