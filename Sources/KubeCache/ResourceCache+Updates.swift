import KubeAPI

/// The reflector's side of the cache: applying a LIST, watch events and bookmarks.
///
/// Each update runs in one critical section that changes the store, appends to the history
/// and decides which watchers to wake and which freshness waits are now satisfied; the wakeups
/// run after the lock is released.
extension ResourceCache {
    /// What happened to one upstream watch event.
    public enum ApplyOutcome: Hashable, Sendable {
        case applied
        /// The event's RV was not newer than the cache's: a replay, ignored and counted.
        case stale
    }

    /// Applies one upstream watch event. `object.bytes` should be a slice of `encodedLine`
    /// (`{"type":…,"object":…}\n`), which becomes the event's shared encoding.
    @discardableResult
    public func apply(_ type: WatchEventType, object: CachedObject, encodedLine: [UInt8]) -> ApplyOutcome {
        let now = configuration.now()
        let (outcome, work) = state.withLock { state -> (ApplyOutcome, PendingWork) in
            guard object.resourceVersion > state.store.resourceVersion else {
                state.counters.staleEventsIgnored += 1
                return (.stale, PendingWork())
            }
            let previous: CachedObject?
            switch type {
            case .added, .modified:
                previous = state.store.put(object)
            case .deleted:
                previous = state.store.remove(object.key)
            case .bookmark, .error:
                return (.stale, PendingWork())
            }
            state.store.resourceVersion = object.resourceVersion
            if type == .deleted && previous == nil {
                // Nothing to tell watchers about an object the cache never had.
                state.counters.staleEventsIgnored += 1
                return (.stale, state.settle(configuration: configuration, now: now))
            }
            _ = state.history.append(type, object: object, previous: previous, encoded: encodedLine, now: now)
            state.counters.eventsApplied += 1
            return (.applied, state.settle(configuration: configuration, now: now))
        }
        finish(work)
        return outcome
    }

    /// Runs what an update decided, outside the lock, and logs the watchers it ended.
    private func finish(_ work: PendingWork) {
        work.run()
        for id in work.endedSlow {
            logger.info("ended a watcher that fell behind", metadata: [
                "watcher": "\(id)", "limit_bytes": "\(configuration.maxWatcherLagBytes)",
            ])
        }
    }

    /// Records that the upstream has delivered everything up to `resourceVersion` (a
    /// bookmark): reads waiting for it proceed and new bookmarks carry it.
    public func advance(to resourceVersion: ResourceVersion) {
        let now = configuration.now()
        let work = state.withLock { state -> PendingWork in
            guard resourceVersion > state.store.resourceVersion else { return PendingWork() }
            state.store.resourceVersion = resourceVersion
            return state.settle(configuration: configuration, now: now)
        }
        finish(work)
    }

    /// Replaces the cache's contents with a complete LIST taken at `resourceVersion`.
    ///
    /// The first LIST fills the store silently. Any later one (a relist after the upstream
    /// expired our watch, or the first after restoring a snapshot) is turned into the
    /// difference against what the cache holds, delivered to watchers as ordinary events in
    /// RV order: `ADDED` for new objects, `MODIFIED` for changed ones, `DELETED` then `ADDED`
    /// when an object was replaced by one of the same name (new UID), and `DELETED` (carrying
    /// the LIST's RV) for objects that are gone. Watchers are never closed by a relist.
    ///
    /// The cache stays `syncing` (or whatever it was) until the reflector's watch from the
    /// LIST's RV is accepted and it reports `synced`.
    public func replace(with objects: [CachedObject], resourceVersion: ResourceVersion) {
        let now = configuration.now()
        let isSorted = zip(objects, objects.dropFirst()).allSatisfy { $0.key < $1.key }
        let sorted = isSorted ? objects : objects.sorted { $0.key < $1.key }
        let work = state.withLock { state -> PendingWork in
            if !state.hasData {
                state.store = Store(resource: resource, sortedObjects: sorted, resourceVersion: resourceVersion)
                state.history = EventHistory(configuration: state.history.configuration, startingAt: resourceVersion)
                state.hasData = true
            } else {
                let changes = RelistDifference(old: state.store, new: sorted, listResourceVersion: resourceVersion)
                for change in changes.events {
                    switch change.type {
                    case .deleted: state.store.remove(change.object.key)
                    default: state.store.put(change.object)
                    }
                    _ = state.history.append(
                        change.type, object: change.object, previous: change.previous,
                        encoded: WatchEventEncoder.encode(change.type, object: change.object.bytes), now: now)
                }
                state.store.resourceVersion = max(state.store.resourceVersion, resourceVersion)
                state.counters.relists += 1
                state.counters.eventsApplied += changes.events.count
            }
            // Readiness turns `synced` when the watch from this RV is accepted (the reflector
            // says so): complete and live, not merely complete.
            return state.settle(configuration: configuration, now: now)
        }
        finish(work)
    }
}

/// An event of the history saved in a snapshot, to let clients resume across a restart.
public struct RestoredEvent: Sendable {
    public var type: WatchEventType
    public var object: CachedObject
    public var previous: CachedObject?

    public init(type: WatchEventType, object: CachedObject, previous: CachedObject?) {
        self.type = type
        self.object = object
        self.previous = previous
    }
}

extension ResourceCache.State {
    /// After a change: end watchers that fell too far behind, wake the ones waiting for
    /// events, release satisfied freshness waits, and expire old retained snapshots.
    mutating func settle(configuration: ResourceCache.Configuration, now: ContinuousClock.Instant) -> PendingWork {
        var work = PendingWork()
        for (id, slot) in watchers where slot.end == nil {
            if slot.isStreaming, (history.bytesPending(after: slot.cursor) ?? .max) > configuration.maxWatcherLagBytes {
                watchers[id]?.end = .tooSlow
                counters.slowWatchersEnded += 1
                work.wakes.append(slot.wake)
                work.endedSlow.append(id)
            } else if slot.isWaiting {
                watchers[id]?.isWaiting = false
                work.wakes.append(slot.wake)
            }
        }
        work.resumes = waiters.takeSatisfied(by: store)
        retained.expire(now: now)
        return work
    }
}

/// Callbacks decided under the lock and run after it is released.
struct PendingWork {
    var wakes: [WakeSignal] = []
    var resumes: [CheckedContinuation<Bool, Never>] = []
    /// Watchers ended for falling behind, to log.
    var endedSlow: [UInt64] = []

    func run() {
        for wake in wakes { wake.fire() }
        for resume in resumes { resume.resume(returning: true) }
    }
}
