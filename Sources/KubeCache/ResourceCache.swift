import Foundation
import KubeAPI
import Logging
import Synchronization

/// The cache of one resource: its current `Store`, its recent `EventHistory`, its watchers and
/// the reads waiting for it to catch up. The API server's watch cache, for one kind.
///
/// Threading: every method may be called from any thread or task. All mutable state lives in
/// one `Mutex`, held only to swap the store, append to the history, or hand out an immutable
/// snapshot — never while encoding, filtering, writing to a socket or waiting. Readers take a
/// snapshot (`store`) in O(1) and work outside the lock, so readers never wait for writers.
///
/// Ordering: updates come from one `Reflector` and are applied in the order received; each
/// applied change becomes one `WatchCacheEvent` with a non-decreasing resourceVersion.
/// Watchers consume those events in history order, so every watcher sees every change
/// exactly once, in order — or is ended (too slow, or the cache reset) and never sees a gap.
public final class ResourceCache: Sendable {
    public struct Configuration: Sendable {
        /// How long events are kept for watch resume (`--history-window`).
        public var historyWindow: Duration = .seconds(600)
        /// Most bytes of events kept (`--history-bytes`).
        public var historyBytes: Int = 256 << 20
        /// How far (in event bytes) a watcher may fall behind before it is ended as too slow.
        public var maxWatcherLagBytes: Int = 16 << 20
        /// How long a snapshot handed out for a paginated LIST stays retrievable by its RV.
        public var retainedSnapshotLifetime: Duration = .seconds(300)
        /// Most snapshots retained for paginated and Exact reads at once.
        public var maxRetainedSnapshots: Int = 64
        /// The clock of the history window and snapshot lifetimes; injectable for tests.
        public var now: @Sendable () -> ContinuousClock.Instant = { .now }

        public init() {}
    }

    public let resource: CachedResource
    public let configuration: Configuration
    let logger: Logger
    let state: Mutex<State>
    /// Event lines handed to watchers' writers; atomic so that writers count outside `state`.
    let watchEventsSent = Atomic<Int>(0)

    /// Everything mutable, guarded by `state`.
    struct State {
        var store: Store
        var history: EventHistory
        var readiness: CacheReadiness = .syncing
        /// When the upstream last stopped answering, while it still does not (for the
        /// "stale since" warning on reads served meanwhile).
        var failingSince: Date?
        /// When restored data was saved, until the watch resumes.
        var restoredSavedAt: Date?
        /// True once the store has been filled by a LIST or a snapshot.
        var hasData = false
        var watchers: [UInt64: WatcherSlot] = [:]
        var nextWatcherID: UInt64 = 1
        var waiters = FreshnessWaiters()
        var retained: RetainedSnapshots
        var counters = CacheCounters()
    }

    public init(resource: CachedResource, configuration: Configuration = .init(), logger: Logger = Logger(label: "kcache.cache")) {
        self.resource = resource
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "resource"] = "\(resource.groupVersionResource.groupResource)"
        self.logger = logger
        let history = EventHistory(
            configuration: .init(window: configuration.historyWindow, maxBytes: configuration.historyBytes),
            startingAt: .zero)
        state = Mutex(State(
            store: Store(resource: resource), history: history,
            retained: RetainedSnapshots(lifetime: configuration.retainedSnapshotLifetime,
                                        capacity: configuration.maxRetainedSnapshots)))
    }

    /// The current store: an immutable snapshot, O(1).
    public var store: Store { state.withLock { $0.store } }

    /// The resourceVersion the cache has reached.
    public var resourceVersion: ResourceVersion { state.withLock { $0.store.resourceVersion } }

    public var readiness: CacheReadiness { state.withLock { $0.readiness } }

    /// Counters of what the cache did, for metrics and tests.
    public var counters: CacheCounters {
        var counters = state.withLock { $0.counters }
        counters.watchEventsSent = watchEventsSent.load(ordering: .relaxed)
        return counters
    }

    /// Sets the readiness the reflector reports (failing, uncached, restored…).
    public func setReadiness(_ readiness: CacheReadiness) {
        state.withLock { state in
            switch readiness {
            case .failing(let reason, _):
                if state.failingSince == nil { state.failingSince = Date() }
                // Restored data stays "restored" (with its age) while the upstream is away.
                if state.readiness != .restored {
                    state.readiness = .failing(reason: reason, hasData: state.hasData)
                }
            case .synced:
                state.failingSince = nil
                state.restoredSavedAt = nil
                state.readiness = .synced
            default:
                state.readiness = readiness
            }
        }
    }

    /// Since when the upstream has failed to answer this cache's list/watch, if it does now.
    public var failingSince: Date? { state.withLock { $0.failingSince } }

    /// When the restored data was saved, while the cache serves restored data.
    public var restoredSavedAt: Date? { state.withLock { $0.restoredSavedAt } }

    /// True when the store holds a complete state (from a LIST or a snapshot).
    public var hasData: Bool { state.withLock { $0.hasData } }

    /// True when reads may be answered from this cache: it holds a complete state (listed, or
    /// restored, perhaps while its watch is being re-established or its upstream is failing),
    /// and the upstream has not refused the kind.
    public var canServe: Bool {
        state.withLock { state in
            if case .uncached = state.readiness { return false }
            return state.hasData
        }
    }

    /// The RV below which watch resumes are Expired.
    public var oldestResumableResourceVersion: ResourceVersion {
        state.withLock { $0.history.oldestResumable }
    }
}

/// What the cache counted; read by metrics.
public struct CacheCounters: Sendable, Hashable {
    public var eventsApplied = 0
    /// Events ignored because their RV was not newer than what the cache already held.
    public var staleEventsIgnored = 0
    /// LIST results applied after the first (relists).
    public var relists = 0
    /// Watchers ended because they fell behind their bound.
    public var slowWatchersEnded = 0
    /// `ADDED`/`MODIFIED`/`DELETED` lines (initial events included) handed to watchers' writers.
    public var watchEventsSent = 0
}
