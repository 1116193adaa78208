@testable import KubeProxy
import Testing

/// What metrics add to each request: the observer's work per completed request, measured over
/// many calls on a realistic mix of targets. Printed, and bounded loosely so that a
/// pathological regression (a handle created per request, a scan of the registry) fails.
@Suite("Metrics overhead")
struct MetricsOverheadTests {
    static let requests = [
        ProxyRequest(method: "GET", uri: "/api/v1/namespaces/ns-3/configmaps?labelSelector=app%3Dapp-1&limit=500", headers: []),
        ProxyRequest(method: "GET", uri: "/api/v1/namespaces/ns-3/pods/pod-17", headers: []),
        ProxyRequest(method: "GET", uri: "/apis/apps/v1/deployments?allowWatchBookmarks=true&resourceVersion=1234&watch=true", headers: []),
        ProxyRequest(method: "PATCH", uri: "/apis/apps/v1/namespaces/ns-3/deployments/deploy-1/status", headers: []),
    ]

    @Test("per-request cost of the request metrics")
    func perRequestCost() {
        let metrics = ProxyMetrics()
        let responses: [ProxyResponse] = [.json([], source: .cache), .json([], status: 404, source: .cache), .json([], source: .upstream)]
        let iterations = 50_000
        let clock = ContinuousClock()
        let labelsOnly = clock.measure {
            for index in 0..<iterations {
                let request = Self.requests[index % Self.requests.count]
                _ = RequestLabels(method: request.method, uri: request.uri)
            }
        }
        let whole = clock.measure {
            for index in 0..<iterations {
                metrics.requests.completed(
                    Self.requests[index % Self.requests.count], response: responses[index % responses.count],
                    duration: .microseconds(index % 5000))
            }
        }
        let perRequest = whole / iterations
        print("metrics per request: \(perRequest) (labels \(labelsOnly / iterations))")
        // Measured on 2 shared cores: release ≈ 0.5 µs per request (0.2 µs of it the labels);
        // debug 30–80 µs, its unspecialised generics being ~100× slower.
        #if DEBUG
        #expect(perRequest < .milliseconds(1))
        #else
        #expect(perRequest < .microseconds(10))
        #endif
    }
}
