import Metrics

/// The upstream client's counters, created through an injected `MetricsFactory` so tests can
/// read them without globals.
///
/// - `kcache_upstream_requests_total{verb,code}`: requests that got a response, by status.
/// - `kcache_upstream_errors_total{verb,kind}`: transfers that failed at the transport level.
/// Recorded on the loop thread when a transfer ends (a watch counts when it closes).
struct UpstreamMetrics: Sendable {
    let factory: any MetricsFactory

    func requestCompleted(verb: String, code: Int) {
        Counter(label: "kcache_upstream_requests_total", dimensions: [("verb", verb), ("code", String(code))],
                factory: factory).increment()
    }

    func requestFailed(verb: String, kind: UpstreamError.Kind) {
        Counter(label: "kcache_upstream_errors_total", dimensions: [("verb", verb), ("kind", kind.rawValue)],
                factory: factory).increment()
    }
}
