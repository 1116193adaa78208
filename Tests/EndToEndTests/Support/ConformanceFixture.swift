import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// One conformance test's world: a KubeSim (seeded, prepared), and for `.kcache` a kcache proxy
/// in front of it with every kind the suite reads cached up front and synced before the test
/// body runs. Each test gets its own servers on port 0, so tests run in parallel.
///
/// Tests talk to `baseURL` only — reads and writes alike (writes through kcache are forwarded,
/// which is also how read-your-writes knows to wait for them). `sim` is the upstream, for
/// faults and request counters; it is never written to behind kcache's back after start,
/// except through `prepare`, which runs before kcache starts.
struct ConformanceFixture {
    /// Timings shortened on both servers so waits and bookmarks take milliseconds.
    struct Tuning: Sendable {
        /// KubeSim's wait for an RV it has not reached (the API server's 3 s).
        var simResourceVersionWait: Duration = .milliseconds(300)
        /// kcache's wait for an RV its cache has not reached before it asks upstream.
        var kcacheResourceVersionWait: Duration = .milliseconds(300)
        /// The target's bookmark interval (KubeSim's, or kcache's).
        var bookmarkInterval: Duration = .milliseconds(300)
        /// KubeSim's bookmark interval behind kcache, when it should differ from kcache's.
        var upstreamBookmarkInterval: Duration?
        /// KubeSim's event history per resource.
        var simHistoryLimit = 100_000
        /// Stores kcache keeps for continue tokens and Exact reads (its default is 64).
        var kcacheRetainedSnapshots = 64
    }

    /// The kinds the suite reads; kcache caches them up front.
    static let cachedResources = ["configmaps", "pods", "namespaces", "widgets.example.com"]

    let target: ConformanceTarget
    let sim: KubeSim
    /// Where the test sends its requests: the sim itself, or kcache.
    let baseURL: String
    let client = TestHTTPClient()

    /// Starts the servers for `target`, runs `body`, stops them whether it returns or throws.
    static func with<T>(
        _ target: ConformanceTarget, seed: SeedPlan? = nil, tuning: Tuning = Tuning(),
        prepare: (KubeSim) throws -> Void = { _ in },
        _ body: (ConformanceFixture) async throws -> T
    ) async throws -> T {
        var configuration = KubeSim.Configuration()
        configuration.resourceVersionWaitTimeout = tuning.simResourceVersionWait
        configuration.bookmarkInterval = target == .sim ? tuning.bookmarkInterval : tuning.upstreamBookmarkInterval ?? tuning.bookmarkInterval
        configuration.historyLimit = tuning.simHistoryLimit
        let sim = KubeSim(configuration: configuration)
        if let seed { try sim.seed(seed) }
        try prepare(sim)
        return try await withServer(sim) { sim in
            switch target {
            case .sim:
                return try await body(ConformanceFixture(target: target, sim: sim, baseURL: sim.baseURL))
            case .kcache:
                let front = try await KcacheFront.start(upstream: sim, resources: cachedResources, tuning: tuning)
                do {
                    let result = try await body(ConformanceFixture(target: target, sim: sim, baseURL: front.baseURL))
                    await front.shutdown()
                    return result
                } catch {
                    await front.shutdown()
                    throw error
                }
            }
        }
    }

    // MARK: Requests to the target

    func url(_ path: String) -> String { baseURL + path }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await client.request("GET", url(path), headers: headers)
    }

    func send(_ method: String, _ path: String, _ json: String, contentType: String = "application/json") async throws -> TestHTTPResponse {
        try await client.send(method, url(path), json: json, contentType: contentType)
    }

    func delete(_ path: String) async throws -> TestHTTPResponse {
        try await client.request("DELETE", url(path))
    }

    func watch(_ path: String) async throws -> WatchStream {
        try await client.watch(url(path))
    }

    /// The same request sent to the upstream KubeSim directly (for comparisons).
    func getFromSim(_ path: String) async throws -> TestHTTPResponse {
        try await client.request("GET", sim.baseURL + path)
    }

    /// Creates a configmap through the target; returns its resourceVersion.
    @discardableResult
    func createConfigMap(
        _ namespace: String, _ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let body: [String: Any] = ["metadata": ["name": name, "labels": labels], "data": data]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let response = try await send("POST", "/api/v1/namespaces/\(namespace)/configmaps", json)
        try #require(response.status == 201, "create \(namespace)/\(name): \(response.text)", sourceLocation: sourceLocation)
        return try #require(response.resourceVersion, sourceLocation: sourceLocation)
    }

    /// Merge-patches a configmap through the target; returns the new resourceVersion.
    @discardableResult
    func patchConfigMap(_ namespace: String, _ name: String, _ patch: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let response = try await send(
            "PATCH", "/api/v1/namespaces/\(namespace)/configmaps/\(name)", patch, contentType: "application/merge-patch+json")
        try #require(response.status == 200, "patch \(namespace)/\(name): \(response.text)", sourceLocation: sourceLocation)
        return try #require(response.resourceVersion, sourceLocation: sourceLocation)
    }

    /// Deletes a configmap through the target.
    func deleteConfigMap(_ namespace: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let response = try await delete("/api/v1/namespaces/\(namespace)/configmaps/\(name)")
        try #require(response.status == 200, "delete \(namespace)/\(name): \(response.text)", sourceLocation: sourceLocation)
    }

    /// The upstream's current resourceVersion.
    var upstreamResourceVersion: String { sim.currentResourceVersion.description }

    // MARK: Where answers come from

    /// For kcache, that `response` was answered from the cache (`X-Kcache-Source: cache`).
    func expectFromCache(_ response: TestHTTPResponse, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        guard target == .kcache else { return }
        #expect(response.header("X-Kcache-Source") == "cache", "\(what) answered by \(response.header("X-Kcache-Source") ?? "?"): \(response.text.prefix(300))",
                sourceLocation: sourceLocation)
    }

    /// For kcache, that the watch is served from the cache.
    func expectFromCache(_ stream: WatchStream, sourceLocation: SourceLocation = #_sourceLocation) {
        guard target == .kcache else { return }
        #expect(stream.header("X-Kcache-Source") == "cache", "watch answered by \(stream.header("X-Kcache-Source") ?? "?")",
                sourceLocation: sourceLocation)
    }
}

extension TestHTTPResponse {
    var metadata: [String: Any] { object["metadata"] as? [String: Any] ?? [:] }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var itemNames: [String] { items.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String } }
    /// `namespace/name` (or `name`) of every item, in order.
    var itemKeys: [String] {
        items.compactMap { item in
            guard let metadata = item["metadata"] as? [String: Any], let name = metadata["name"] as? String else { return nil }
            if let namespace = metadata["namespace"] as? String { return "\(namespace)/\(name)" }
            return name
        }
    }
    var reason: String? { object["reason"] as? String }
    var message: String? { object["message"] as? String }
    var code: Int? { object["code"] as? Int }
    var resourceVersion: String? { metadata["resourceVersion"] as? String }
    var continueToken: String? { (metadata["continue"] as? String).flatMap { $0.isEmpty ? nil : $0 } }
    var causes: [[String: Any]] { (object["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? [] }
}
