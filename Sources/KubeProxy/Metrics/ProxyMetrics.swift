import KubeCache
import Metrics
import Prometheus
import Synchronization

/// kcache's metrics: one Prometheus registry, the swift-metrics factory that feeds it, and the
/// collectors that fill it. `render()` is what `/metrics` answers.
///
/// Everything goes through swift-metrics with `factory`, and swift-prometheus writes the
/// exposition; there is no hand-written text. Any component given `factory` (the upstream
/// client, the snapshot writer, authorization) appears in `render()`, and so does everything
/// sent to the global `MetricsSystem` when the executable bootstraps it with `factory`.
/// Libraries never bootstrap: tests build a `ProxyMetrics` each and read their own registry.
///
/// Two ways in:
/// - push, for what needs every occurrence (requests and their durations, through
///   `requests` as the server's `RequestObserver`; read-your-writes waits, through
///   `observe(_:)`);
/// - pull, at scrape time, for what the engine already counts (`collect(_:)` for the caches and
///   reflectors, and the process figures).
///
/// Thread-safe. Collectors run on the event loop of the scraping connection, one scrape at a
/// time; they only read in-memory state (cache snapshots, counters, `/proc`), so a scrape costs
/// about what rendering does.
public final class ProxyMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The factory for every kcache metric; give it to components that emit their own.
    public let factory: PrometheusMetricsFactory
    /// Counts and times requests; the HTTP server's observer.
    public let requests: RequestMetrics
    /// Where authorization reports its decisions and decision-cache lookups.
    public let authorization: AuthorizationMetrics
    /// Run before each rendering, in order; guarded by the mutex, which also serialises scrapes.
    private let collectors: Mutex<[@Sendable () -> Void]>

    /// Histogram buckets (seconds) for request durations: cached reads take well under a
    /// millisecond, upstream requests tens of milliseconds, big LISTs seconds.
    static let requestDurationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
    /// Buckets for read-your-writes waits, which end at `--ryw-timeout` (1 s by default).
    static let waitDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            MetricNames.httpRequestDuration: Self.requestDurationBuckets,
            MetricNames.consistencyWaitDuration: Self.waitDurationBuckets,
        ]
        self.factory = factory
        requests = RequestMetrics(factory: factory)
        authorization = AuthorizationMetrics(factory: factory)
        let process = ProcessMetrics(factory: factory)
        collectors = Mutex([{ process.collect() }])
    }

    /// Exports the caches and reflectors of `caches`, read at every scrape.
    public func collect(_ caches: CacheRegistry) {
        let collector = CacheMetricsCollector(registry: caches, factory: factory)
        addCollector { collector.collect() }
    }

    /// Exports read-your-writes waits and fallbacks as `statistics` records them.
    public func observe(_ statistics: ProxyStatistics) {
        let consistency = ConsistencyMetrics(factory: factory)
        statistics.observe { consistency.record($0) }
    }

    /// Exports the watches `limiter` refused (`kcache_http_limits_exceeded_total{limit="watchers"}`),
    /// read at every scrape.
    public func observe(_ limiter: WatchLimiter) {
        let requests = self.requests
        let counted = LastTotal()
        addCollector {
            let delta = counted.advance(to: limiter.refused)
            if delta > 0 { requests.limitExceeded(.watchers, by: delta) }
        }
    }

    /// Adds work to run before each rendering: set gauges, advance counters.
    public func addCollector(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// Runs the collectors and renders every metric of the registry in the Prometheus text
    /// format (version 0.0.4).
    public func render() -> String {
        collectors.withLock { collectors in
            for collect in collectors { collect() }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 << 10)
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}

/// A monotonic total as last seen by a collector, so a counter advances by what changed.
private final class LastTotal: Sendable {
    /// Guarded by the mutex.
    private let last = Mutex(0)

    /// Records `total`; returns how much it grew since the last call.
    func advance(to total: Int) -> Int {
        last.withLock { last in
            defer { last = total }
            return total - last
        }
    }
}
