import KubeAPI

/// Everything stored for one resource: the objects with their recent revisions (MVCC, as etcd
/// keeps them), the ring of recent events, and the open watchers.
///
/// Reads at any resourceVersion at or after `horizon` are exact: for every key, the chain
/// holds the newest revision at or below `horizon` plus every later one, and the history
/// holds every event after `horizon`. Dropping the oldest event (history full, or
/// `compact()`) moves `horizon` forward and prunes the chains to match.
/// Not thread-safe: a value inside `ObjectStore`'s state, mutated only under its lock.
struct ResourceState: Sendable {
    let definition: ResourceDefinition
    /// Revisions per key, oldest first; never empty.
    private(set) var chains: [ObjectKey: [Revision]] = [:]
    /// Every key with a chain, live or tombstoned, in storage-key order.
    private(set) var keys = SortedKeys()
    private(set) var liveCount = 0
    /// Keys whose newest revision is a tombstone still inside the history window.
    private(set) var tombstoneCount = 0
    private(set) var history = EventHistory()
    /// The oldest resourceVersion reads and watches can start from; see the type's comment.
    private(set) var horizon: UInt64 = 0
    /// The resourceVersion of the last change to this resource (0 before any).
    private(set) var lastChange: UInt64 = 0
    /// Open watches on this resource, by watcher id.
    var watchers: [Int: Watcher] = [:]

    init(definition: ResourceDefinition) {
        self.definition = definition
    }

    /// The current state of `key`, if it exists.
    func current(_ key: ObjectKey) -> StoredObject? {
        chains[key]?.last?.object
    }

    /// The state of `key` as of `resourceVersion` (which must be at or after `horizon`).
    func object(_ key: ObjectKey, at resourceVersion: UInt64) -> StoredObject? {
        guard let chain = chains[key] else { return nil }
        if chain.count == 1 || chain[chain.count - 1].resourceVersion <= resourceVersion {
            let last = chain[chain.count - 1]
            return last.resourceVersion <= resourceVersion ? last.object : nil
        }
        var result: StoredObject?
        for revision in chain {
            if revision.resourceVersion > resourceVersion { break }
            result = revision.object
        }
        return result
    }

    /// Records a change: appends the revision, the event, and trims history to `historyLimit`.
    /// Returns the event as stored (for fan-out).
    mutating func record(_ event: StoreEvent, historyLimit: Int) {
        let key = event.object.key
        let wasLive = current(key) != nil
        let isLive = event.type != .deleted
        let revision = Revision(resourceVersion: event.resourceVersion, object: isLive ? event.object : nil)
        if chains[key] == nil {
            keys.insert(key)
            chains[key] = [revision]
        } else {
            if !wasLive { tombstoneCount -= 1 }
            chains[key]!.append(revision)
        }
        if wasLive && !isLive {
            liveCount -= 1
            tombstoneCount += 1
        } else if !wasLive && isLive {
            liveCount += 1
        }
        lastChange = event.resourceVersion
        history.append(event)
        while history.count > max(historyLimit, 0) {
            guard let dropped = history.removeOldest() else { break }
            advanceHorizon(to: dropped.resourceVersion, key: dropped.object.key)
        }
    }

    /// Drops every event: watches and exact reads from before `resourceVersion` get 410.
    mutating func compact(to resourceVersion: UInt64) {
        history.removeAll()
        horizon = max(horizon, resourceVersion)
        for key in Array(chains.keys) { prune(key) }
    }

    private mutating func advanceHorizon(to resourceVersion: UInt64, key: ObjectKey) {
        horizon = max(horizon, resourceVersion)
        prune(key)
    }

    /// Removes revisions no read at or after `horizon` can see, and the key with them when
    /// only a tombstone is left.
    private mutating func prune(_ key: ObjectKey) {
        guard var chain = chains[key] else { return }
        var firstNeeded = 0
        for (index, revision) in chain.enumerated() where revision.resourceVersion <= horizon {
            firstNeeded = index
        }
        if firstNeeded > 0 { chain.removeFirst(firstNeeded) }
        if chain.count == 1, chain[0].object == nil, chain[0].resourceVersion <= horizon {
            chains[key] = nil
            keys.remove(key)
            tombstoneCount -= 1
        } else {
            chains[key] = chain
        }
    }

    /// Events after `resourceVersion`, oldest first; nil when some of them were dropped
    /// (the caller answers 410 Expired naming `horizon`).
    func events(after resourceVersion: UInt64) -> [StoreEvent]? {
        guard resourceVersion >= horizon else { return nil }
        return history.events(after: resourceVersion)
    }
}
