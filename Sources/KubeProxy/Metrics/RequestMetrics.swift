import Metrics
import Synchronization

/// Counts and times every request the server completes:
/// `kcache_http_requests_total{verb,group,resource,code,source}` and
/// `kcache_http_request_duration_seconds{verb,group,resource,source}`.
///
/// Called by the connection handler on its event loop, once per request, so the cost is kept
/// to a label read from the request target (`RequestLabels`), one dictionary lookup under a
/// short lock, an atomic increment and a histogram record. Handles are created on first use of
/// a label set and kept; past `maxSeries` label sets, new ones are counted under
/// `resource="_other"` so a client inventing paths cannot grow memory without bound.
///
/// Watches are counted but not timed: their duration is the client's choice, not latency (the
/// API server's request SLIs leave them out too).
public final class RequestMetrics: RequestObserver {
    /// Most distinct label sets kept.
    static let maxSeries = 2048

    struct Key: Hashable {
        var labels: RequestLabels
        var code: Int
        var source: ProxyResponse.Source?
    }

    struct Handles {
        let requests: Counter
        /// Nil for watches.
        let duration: Timer?
    }

    private let factory: any MetricsFactory
    /// Handles by label set; guarded by the mutex, held for a lookup or an insert.
    private let handles = Mutex<[Key: Handles]>([:])
    /// `kcache_http_limits_exceeded_total`, one per limit, made up front so every series is
    /// exported from the start (at 0); the mutex only guards the dictionary's reads.
    private let limits: Mutex<[ExceededLimit: Counter]>

    init(factory: any MetricsFactory) {
        self.factory = factory
        var limits: [ExceededLimit: Counter] = [:]
        for limit in ExceededLimit.allCases {
            limits[limit] = Counter(label: MetricNames.httpLimitsExceeded, dimensions: [("limit", limit.rawValue)], factory: factory)
        }
        self.limits = Mutex(limits)
    }

    public func limitExceeded(_ limit: ExceededLimit) {
        limitExceeded(limit, by: 1)
    }

    /// Counts `count` refusals or closures due to `limit`.
    func limitExceeded(_ limit: ExceededLimit, by count: Int) {
        limits.withLock { $0[limit] }?.increment(by: count)
    }

    public func completed(_ request: ProxyRequest, response: ProxyResponse?, duration: Duration) {
        let labels = RequestLabels(method: request.method, uri: request.uri)
        let handles = handles(for: Key(labels: labels, code: response?.status ?? 0, source: response?.source))
        handles.requests.increment()
        handles.duration?.record(duration: duration)
    }

    func handles(for key: Key) -> Handles {
        handles.withLock { handles in
            if let existing = handles[key] { return existing }
            var key = key
            if handles.count >= Self.maxSeries {
                key.labels = RequestLabels(verb: key.labels.verb, group: "_other", resource: "_other")
                if let existing = handles[key] { return existing }
            }
            let new = makeHandles(key)
            handles[key] = new
            return new
        }
    }

    private func makeHandles(_ key: Key) -> Handles {
        let source = key.source?.rawValue ?? "none"
        let common = [("verb", key.labels.verb), ("group", key.labels.group), ("resource", key.labels.resource)]
        return Handles(
            requests: Counter(
                label: MetricNames.httpRequests, dimensions: common + [("code", String(key.code)), ("source", source)],
                factory: factory),
            duration: key.labels.verb == "watch"
                ? nil : Timer(label: MetricNames.httpRequestDuration, dimensions: common + [("source", source)], factory: factory))
    }
}
