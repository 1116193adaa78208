import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Logging
import NIOCore
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
        try await sim.start(host: "127.0.0.1", port: 0)
        do {
            let result = try await withProxy(in: sim, readYourWritesTimeout: readYourWritesTimeout, body)
            try await sim.shutdown()
            return result
        } catch {
            try? await sim.shutdown()
            throw error
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

    /// `GET path`, once more if the connection closed before the request's end was written:
    /// the test client writes a GET's head and end separately and sends `Connection: close`,
    /// so a server that answers on the head (as kcache does for cached reads and its own
    /// endpoints) may close before the end goes out, under load, losing the answer with it.
    func get(_ path: String) async throws -> TestHTTPResponse {
        do {
            return try await client.request("GET", baseURL + path)
        } catch ChannelError.ioOnClosedChannel {
            return try await client.request("GET", baseURL + path)
        }
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
