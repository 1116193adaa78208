import KubeAPI

/// Watch registration, bookmarks and the watch faults. Registration snapshots the replay and
/// subscribes the watcher in one critical section, so nothing falls between the two.
extension ObjectStore {
    /// Registers a watch, or throws 410 Expired when `start` is older than the history.
    func watch(
        _ resource: GroupVersionResource, namespace: String?, selectors: Selectors, start: WatchStartPoint,
        allowBookmarks: Bool
    ) throws(Status) -> WatchRegistration {
        let queueLimit = watchQueueLimit
        let result: Result<WatchRegistration, Status> = state.withLock { state in
            guard let resourceState = state.resources[resource] else { return .failure(Status.pathNotFound()) }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            var replay: [(WatchEventType, StoredObject)] = []
            var initialEventsEnd: UInt64?
            let startVersion: UInt64
            switch start {
            case .currentState(let endBookmark):
                startVersion = state.resourceVersion
                let first = namespace.map { ObjectKey(namespace: $0, name: "") }
                for key in resourceState.keys.keys(from: first) {
                    if let namespace, key.namespace != namespace { break }
                    if let object = resourceState.current(key), selectors.matches(object) {
                        replay.append((.added, object))
                    }
                }
                if endBookmark { initialEventsEnd = startVersion }
            case .after(let version):
                guard let events = resourceState.events(after: version) else {
                    return .failure(Status.expired(requested: ResourceVersion(version), oldest: ResourceVersion(resourceState.horizon)))
                }
                startVersion = version
                let probe = Watcher(
                    id: 0, definition: resourceState.definition, namespace: namespace, selectors: selectors,
                    allowBookmarks: false, startResourceVersion: version, queueLimit: 1)
                for event in events {
                    if let translated = probe.translate(event) { replay.append(translated) }
                }
            }
            let watcher = Watcher(
                id: id, definition: resourceState.definition, namespace: namespace, selectors: selectors,
                allowBookmarks: allowBookmarks, startResourceVersion: startVersion, queueLimit: queueLimit)
            state.resources[resource]!.watchers[id] = watcher
            return .success(WatchRegistration(watcher: watcher, replay: replay, initialEventsEnd: initialEventsEnd))
        }
        return try result.get()
    }

    /// Unsubscribes a watcher (its stream ended or its client left).
    func removeWatcher(_ watcher: Watcher) {
        _ = state.withLock { state in
            state.resources[watcher.definition.resource]?.watchers.removeValue(forKey: watcher.id)
        }
        watcher.close()
    }

    /// Queues a BOOKMARK at the current resourceVersion, behind every event already queued.
    func queueBookmark(for watcher: Watcher) {
        state.withLock { state in
            guard state.resources[watcher.definition.resource]?.watchers[watcher.id] != nil else { return }
            if state.resourceVersion >= watcher.startResourceVersion {
                watcher.push(.bookmark(resourceVersion: state.resourceVersion, initialEventsEnd: false))
            }
        }
    }

    /// Closes every open watch at once (fault injection, shutdown).
    func dropAllWatches() {
        let dropped = state.withLock { state -> [Watcher] in
            var all: [Watcher] = []
            for resource in state.order {
                all.append(contentsOf: state.resources[resource]!.watchers.values)
                state.resources[resource]!.watchers = [:]
            }
            return all
        }
        for watcher in dropped { watcher.abort() }
    }

    var openWatchCount: Int {
        state.withLock { state in state.resources.values.reduce(0) { $0 + $1.watchers.count } }
    }

    /// Drops all history: every watch or exact read from before now gets 410 Expired.
    func compactHistory() {
        state.withLock { state in
            let now = state.resourceVersion
            for resource in state.order { state.resources[resource]!.compact(to: now) }
        }
    }
}
