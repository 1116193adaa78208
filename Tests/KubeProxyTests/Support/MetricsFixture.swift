import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeSnapshot
import KubeTestSupport
import KubeUpstream
import Logging
import ServiceLifecycle

/// A seeded KubeSim and a `CachingProxy` in front of it, both in-process on 127.0.0.1 port 0,
/// for tests that drive traffic through the proxy and scrape its `/metrics`.
///
/// `with` returns to its body once `/readyz` passes (every resource synced) and shuts both
/// down afterwards, whether the body returns or throws.
struct MetricsFixture {
    let sim: KubeSim
    let proxy: CachingProxy
    let baseURL: String
    let client = TestHTTPClient()

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    static func with<T>(
        seed: SeedPlan = SeedPlan(namespaces: 2, configMapsPerNamespace: 4, podsPerNamespace: 2),
        readYourWritesTimeout: Duration = .milliseconds(200),
        _ body: (MetricsFixture) async throws -> T
    ) async throws -> T {
        let sim = KubeSim()
        try sim.seed(seed)
        return try await withServer(sim) { sim in
            try await withProxy(in: sim, readYourWritesTimeout: readYourWritesTimeout, body)
        }
    }

    private static func withProxy<T>(
        in sim: KubeSim, readYourWritesTimeout: Duration, _ body: (MetricsFixture) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "kcache.metrics-test")
        logger.logLevel = .error
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: sim.baseURL), environment: [:],
            homeDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("kcache-metrics-home").path,
            serviceAccountDirectory: "/nonexistent/kcache-metrics/serviceaccount")
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.resources = ["configmaps", "pods"]
        configuration.router.readYourWritesTimeout = readYourWritesTimeout
        // A snapshot store, so that its `kcache_snapshot_*` families reach the proxy's registry.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        configuration.snapshot = SnapshotStore.Configuration(path: directory.appendingPathComponent("snapshot.db").path)
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        do {
            let address = try await proxy.localAddress()
            let fixture = MetricsFixture(sim: sim, proxy: proxy, baseURL: "http://127.0.0.1:\(address.port ?? 0)")
            try await waitUntil(timeout: .seconds(15), "kcache's /readyz to pass") {
                (try? await fixture.get("/readyz"))?.status == 200
            }
            let result = try await body(fixture)
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }

    func get(_ path: String) async throws -> TestHTTPResponse {
        try await client.request("GET", baseURL + path)
    }

    func post(_ path: String, json: String) async throws -> TestHTTPResponse {
        try await client.send("POST", baseURL + path, json: json)
    }

    /// `GET /metrics`, parsed; fails the scrape when the exposition does not parse.
    func scrape() async throws -> Exposition {
        let response = try await get("/metrics")
        guard response.status == 200 else { throw Exposition.ParseError(line: "", reason: "GET /metrics answered \(response.status)") }
        return try Exposition(parsing: response.text)
    }
}
