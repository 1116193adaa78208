import KubeAPI
import KubeCache
import Metrics
import Synchronization

/// Copies what the caches and reflectors already count into metrics, at scrape time: gauges are
/// set to the current value, counters advance by what changed since the last scrape. Nothing
/// on the cache's hot paths knows about metrics.
///
/// Labels are `group` and `resource`; a resource cached in two versions is summed under one
/// label set (its RV gauge takes the higher). Handles are kept per label set and destroyed
/// when the resource is no longer cached. `collect()` may be called from any thread;
/// concurrent scrapes are serialised so a counter's delta is counted once.
final class CacheMetricsCollector: Sendable {
    private let registry: CacheRegistry
    private let factory: any MetricsFactory
    /// Handles and last-seen totals; guarded by the mutex, held for a whole collection.
    private let state: Mutex<State>

    private struct State {
        var handles: [GroupResource: Handles] = [:]
        /// Each reflector's totals at the last scrape, by resource (version included).
        var last: [GroupVersionResource: Totals] = [:]
        let kindsRefused: Counter
        var lastKindsRefused = 0
    }

    struct GroupResource: Hashable {
        var group: String
        var resource: String
    }

    /// Monotonic totals read from one reflector and its cache.
    struct Totals: Equatable {
        var added = 0, modified = 0, deleted = 0, bookmarks = 0
        var relists = 0, watchRestarts = 0, listWatchErrors = 0
        var eventsSent = 0, slowWatchersEnded = 0
        var staleEvents = 0, malformedEvents = 0

        init() {}

        init(reflector: ReflectorStatistics.Counters, cache: CacheCounters) {
            added = reflector.added
            modified = reflector.modified
            deleted = reflector.deleted
            bookmarks = reflector.bookmarks
            relists = reflector.relists
            // Every watch after the first one of this reflector.
            watchRestarts = max(reflector.watches - 1, 0)
            listWatchErrors = reflector.errors
            eventsSent = cache.watchEventsSent
            slowWatchersEnded = cache.slowWatchersEnded
            staleEvents = reflector.staleEvents
            malformedEvents = reflector.malformedEvents + reflector.malformedObjects
        }

        /// What `counter` gained since `previous`; all of it when the counter went backwards
        /// (a new reflector for the same resource).
        func delta(_ counter: KeyPath<Totals, Int>, since previous: Totals?) -> Int {
            let now = self[keyPath: counter]
            let before = previous?[keyPath: counter] ?? 0
            return now >= before ? now - before : now
        }
    }

    /// Gauge values for one label set, summed over the resource's versions.
    private struct Sample {
        var objects = 0, bytes = 0, watchers = 0
        var resourceVersion: UInt64 = 0
        var totalsDelta = Totals()
    }

    /// The metric handles of one `group`/`resource`.
    private struct Handles {
        let objects, bytes, resourceVersion, watchers: Gauge
        let events: [(WritableKeyPath<Totals, Int>, Counter)]
        let counters: [(WritableKeyPath<Totals, Int>, Counter)]

        init(_ key: GroupResource, factory: any MetricsFactory) {
            let labels = [("group", key.group), ("resource", key.resource)]
            objects = Gauge(label: MetricNames.cacheObjects, dimensions: labels, factory: factory)
            bytes = Gauge(label: MetricNames.cacheBytes, dimensions: labels, factory: factory)
            resourceVersion = Gauge(label: MetricNames.cacheResourceVersion, dimensions: labels, factory: factory)
            watchers = Gauge(label: MetricNames.watchers, dimensions: labels, factory: factory)
            events = [(\.added, "ADDED"), (\.modified, "MODIFIED"), (\.deleted, "DELETED"), (\.bookmarks, "BOOKMARK")].map {
                ($0.0, Counter(label: MetricNames.upstreamEvents, dimensions: labels + [("type", $0.1)], factory: factory))
            } + [(\.staleEvents, "stale"), (\.malformedEvents, "malformed")].map {
                ($0.0, Counter(label: MetricNames.upstreamEventsIgnored, dimensions: labels + [("reason", $0.1)], factory: factory))
            }
            counters = [
                (\.relists, MetricNames.upstreamRelists), (\.watchRestarts, MetricNames.upstreamWatchRestarts),
                (\.listWatchErrors, MetricNames.upstreamListWatchErrors), (\.eventsSent, MetricNames.watchEventsSent),
                (\.slowWatchersEnded, MetricNames.watchersEndedSlow),
            ].map { ($0.0, Counter(label: $0.1, dimensions: labels, factory: factory)) }
        }

        func update(_ sample: Sample) {
            objects.record(sample.objects)
            bytes.record(sample.bytes)
            resourceVersion.record(Double(sample.resourceVersion))
            watchers.record(sample.watchers)
            for (keyPath, counter) in events + counters {
                let delta = sample.totalsDelta[keyPath: keyPath]
                if delta > 0 { counter.increment(by: delta) }
            }
        }

        func destroy() {
            for gauge in [objects, bytes, resourceVersion, watchers] { gauge.destroy() }
            for (_, counter) in events + counters { counter.destroy() }
        }
    }

    init(registry: CacheRegistry, factory: any MetricsFactory) {
        self.registry = registry
        self.factory = factory
        state = Mutex(State(kindsRefused: Counter(label: MetricNames.cacheKindsRefused, factory: factory)))
    }

    /// Brings every cache metric up to date.
    func collect() {
        let reflectors = registry.reflectors
        let kindsRefused = registry.kindsRefusedForSize
        state.withLock { state in
            var samples: [GroupResource: Sample] = [:]
            var seen: [GroupVersionResource: Totals] = [:]
            for reflector in reflectors {
                let cache = reflector.cache
                let gvr = cache.resource.groupVersionResource
                let store = cache.store
                let totals = Totals(reflector: reflector.counters, cache: cache.counters)
                let key = GroupResource(group: gvr.group, resource: gvr.resource)
                var sample = samples[key] ?? Sample()
                sample.objects += store.count
                sample.bytes += store.byteCount
                sample.watchers += cache.watcherCount
                sample.resourceVersion = max(sample.resourceVersion, store.resourceVersion.value)
                for keyPath in Self.totalsKeyPaths {
                    sample.totalsDelta[keyPath: keyPath] += totals.delta(keyPath, since: state.last[gvr])
                }
                samples[key] = sample
                seen[gvr] = totals
            }
            state.last = seen
            for (key, sample) in samples {
                let handles = state.handles[key] ?? Handles(key, factory: factory)
                state.handles[key] = handles
                handles.update(sample)
            }
            for key in state.handles.keys where samples[key] == nil {
                state.handles.removeValue(forKey: key)?.destroy()
            }
            if kindsRefused > state.lastKindsRefused {
                state.kindsRefused.increment(by: kindsRefused - state.lastKindsRefused)
                state.lastKindsRefused = kindsRefused
            }
        }
    }

    private static var totalsKeyPaths: [WritableKeyPath<Totals, Int>] {
        [\.added, \.modified, \.deleted, \.bookmarks, \.relists, \.watchRestarts, \.listWatchErrors,
         \.eventsSent, \.slowWatchersEnded, \.staleEvents, \.malformedEvents]
    }
}
