@testable import KubeProxy
import Metrics
import Testing

@Suite("Metrics units")
struct MetricsUnitTests {
    struct LabelCase: CustomTestStringConvertible, Sendable {
        var method: String
        var uri: String
        var verb: String
        var group: String
        var resource: String
        var testDescription: String { "\(method) \(uri)" }

        init(_ method: String, _ uri: String, _ verb: String, _ group: String = "", _ resource: String = "") {
            self.method = method
            self.uri = uri
            self.verb = verb
            self.group = group
            self.resource = resource
        }
    }

    @Test("request labels follow the API server's path grammar", arguments: [
        LabelCase("GET", "/api/v1/pods", "list", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods?limit=5", "list", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods?watch=1&resourceVersion=5", "watch", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods?watch=true", "watch", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods?watch=false", "list", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods?watch=0", "list", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods/p-1", "get", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods/p-1?watch=1", "get", "", "pods"),
        LabelCase("HEAD", "/api/v1/namespaces/ns-0/pods/p-1", "get", "", "pods"),
        LabelCase("GET", "/api/v1/watch/namespaces/ns-0/pods", "watch", "", "pods"),
        LabelCase("GET", "/api/v1/watch/namespaces/ns-0/pods/p-1", "watch", "", "pods"),
        LabelCase("GET", "/api/v1/namespaces/ns-0/pods/p-1/log?follow=true", "get", "", "pods/log"),
        LabelCase("PUT", "/api/v1/namespaces/ns-0/pods/p-1/status", "update", "", "pods/status"),
        LabelCase("GET", "/api/v1/namespaces", "list", "", "namespaces"),
        LabelCase("GET", "/api/v1/namespaces/ns-0", "get", "", "namespaces"),
        LabelCase("PUT", "/api/v1/namespaces/ns-0/finalize", "update", "", "namespaces/finalize"),
        LabelCase("GET", "/api/v1/nodes/node-1", "get", "", "nodes"),
        LabelCase("POST", "/apis/apps/v1/namespaces/ns-0/deployments", "create", "apps", "deployments"),
        LabelCase("PATCH", "/apis/apps/v1/namespaces/ns-0/deployments/d", "patch", "apps", "deployments"),
        LabelCase("DELETE", "/apis/apps/v1/namespaces/ns-0/deployments/d", "delete", "apps", "deployments"),
        LabelCase("DELETE", "/apis/apps/v1/namespaces/ns-0/deployments", "deletecollection", "apps", "deployments"),
        LabelCase("GET", "/apis/example.com/v1/widgets?watch", "watch", "example.com", "widgets"),
        LabelCase("GET", "http://kcache:8001/api/v1/pods", "get"),  // absolute form: not interpreted
        LabelCase("GET", "/metrics", "get"),
        LabelCase("GET", "/readyz?verbose", "get"),
        LabelCase("GET", "/api", "get"),
        LabelCase("GET", "/api/v1", "get"),
        LabelCase("GET", "/apis/apps/v1", "get"),
        LabelCase("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "create", "authorization.k8s.io", "subjectaccessreviews"),
        LabelCase("GET", "/api/v1/Pods", "get"),  // not a resource name: no label from it
        LabelCase("GET", "/api/v1/pods%2Fx", "get"),
        LabelCase("OPTIONS", "/api/v1/pods", "other"),
    ])
    func requestLabels(_ test: LabelCase) {
        let labels = RequestLabels(method: test.method, uri: test.uri)
        #expect(labels == RequestLabels(verb: test.verb, group: test.group, resource: test.resource))
    }

    @Test("whatever the factory receives is exported; authorization reports through its hook")
    func injectedFactory() throws {
        let metrics = ProxyMetrics()
        // What the snapshot writer, say, would do with the factory it is given.
        Counter(label: "kcache_snapshot_saves_total", dimensions: [("result", "success")], factory: metrics.factory).increment(by: 3)
        Timer(label: "kcache_snapshot_save_duration_seconds", factory: metrics.factory).record(duration: .milliseconds(40))
        metrics.authorization.record(.allowed)
        metrics.authorization.record(.allowed)
        metrics.authorization.record(.denied)
        metrics.authorization.recordCacheLookup(hit: true)
        metrics.authorization.recordCacheLookup(hit: false)
        metrics.authorization.recordCacheLookup(hit: true)

        let scrape = try Exposition(parsing: metrics.render())
        #expect(scrape.types["kcache_snapshot_saves_total"] == "counter")
        #expect(scrape.value("kcache_snapshot_saves_total", ["result": "success"]) == 3)
        #expect(scrape.value("kcache_snapshot_save_duration_seconds_count") == 1)
        #expect(scrape.value("kcache_authorization_decisions_total", ["decision": "allowed"]) == 2)
        #expect(scrape.value("kcache_authorization_decisions_total", ["decision": "denied"]) == 1)
        #expect(scrape.value("kcache_authorization_decisions_total", ["decision": "error"]) == 0)
        #expect(scrape.value("kcache_authorization_cache_hits_total") == 2)
        #expect(scrape.value("kcache_authorization_cache_misses_total") == 1)
    }

    @Test("requests are counted and timed per label set; watches are not timed")
    func requestCounting() throws {
        let metrics = ProxyMetrics()
        let list = ProxyRequest(method: "GET", uri: "/api/v1/namespaces/a/configmaps?limit=10", headers: [])
        let watch = ProxyRequest(method: "GET", uri: "/api/v1/configmaps?watch=1", headers: [])
        for _ in 0..<3 {
            metrics.requests.completed(list, response: .json([], source: .cache), duration: .milliseconds(3))
        }
        metrics.requests.completed(list, response: .json([], status: 500, source: .upstream), duration: .milliseconds(30))
        metrics.requests.completed(watch, response: .json([], source: .cache), duration: .seconds(300))

        let scrape = try Exposition(parsing: metrics.render())
        let labels = ["verb": "list", "group": "", "resource": "configmaps"]
        #expect(scrape.value("kcache_http_requests_total", labels.merging(["code": "200", "source": "cache"]) { $1 }) == 3)
        #expect(scrape.value("kcache_http_requests_total", labels.merging(["code": "500", "source": "upstream"]) { $1 }) == 1)
        #expect(scrape.value("kcache_http_requests_total", ["verb": "watch"]) == 1)
        #expect(scrape.value("kcache_http_request_duration_seconds_count", labels.merging(["source": "cache"]) { $1 }) == 3)
        #expect(scrape.value("kcache_http_request_duration_seconds_bucket", labels.merging(["source": "cache", "le": "0.002"]) { $1 }) == 0)
        #expect(scrape.value("kcache_http_request_duration_seconds_bucket", labels.merging(["source": "cache", "le": "0.005"]) { $1 }) == 3)
        #expect(scrape.samples("kcache_http_request_duration_seconds_count", ["verb": "watch"]).isEmpty)
    }

    @Test("label sets beyond the bound are counted under _other")
    func cardinalityBound() throws {
        let metrics = ProxyMetrics()
        for index in 0..<(RequestMetrics.maxSeries + 10) {
            let request = ProxyRequest(method: "GET", uri: "/apis/g\(index).example.com/v1/things", headers: [])
            metrics.requests.completed(request, response: .json([], source: .upstream), duration: .milliseconds(1))
        }
        let scrape = try Exposition(parsing: metrics.render())
        #expect(scrape.samples("kcache_http_requests_total").count == RequestMetrics.maxSeries + 1)
        #expect(scrape.value("kcache_http_requests_total", ["group": "_other", "resource": "_other"]) == 10)
    }

    @Test("the exposition parser rejects what Prometheus rejects", arguments: [
        "kcache_x_total 1",  // no TYPE
        "# TYPE kcache_x_total counter\nkcache_x_total{a=\"1\" 1",
        "# TYPE kcache_x_total counter\nkcache_x_total{a=1} 1",
        "# TYPE kcache_x_total counter\nkcache_x_total one",
        "# TYPE kcache_x_total counter\nkcache_y_total 1",
        "# TYPE kcache_x_total counter\n# TYPE kcache_x_total counter\nkcache_x_total 1",
        "# TYPE kcache_x_seconds histogram\nkcache_x_seconds_bucket 1",
        "# TYPE 9x gauge\n9x 1",
    ])
    func parserRejects(_ text: String) {
        #expect(throws: Exposition.ParseError.self) { try Exposition(parsing: text) }
    }

    @Test("naming conventions", arguments: [
        ("kcache_http_requests_total", "counter", true),
        ("kcache_cache_objects", "gauge", true),
        ("kcache_http_request_duration_seconds", "histogram", true),
        ("kcache_http_requests", "counter", false),
        ("kcache_cache_objects_total", "gauge", false),
        ("kcache_http_request_duration", "histogram", false),
        ("kcache_Cache_objects", "gauge", false),
        ("cache_objects", "gauge", false),
    ])
    func naming(_ family: String, _ type: String, _ valid: Bool) {
        #expect(MetricsNaming.problems(family: family, type: type).isEmpty == valid)
    }
}
