import Foundation
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Logging
import ServiceLifecycle

/// One kcache (`CachingProxy`) run in-process for the hardening tests, in front of a KubeSim,
/// on 127.0.0.1 port 0, the way `kcache serve` runs it (a ServiceGroup, graceful shutdown).
///
/// Unlike the conformance fixture, an instance may be stopped and another started with the
/// same configuration (the same snapshot file): a kcache restart. Timings are shortened so
/// that recoveries take milliseconds: the reflector backs off 20 ms doubling to 200 ms, bookmarks
/// every 200 ms, RV waits of 300 ms. Sendable; `shutdown()` once.
struct KcacheInstance: Sendable {
    let proxy: CachingProxy
    let baseURL: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// A configuration for a kcache in front of `upstream` caching `resources`, tuned for tests.
    static func configuration(upstream: KubeSim, resources: [String] = ["configmaps"]) throws -> CachingProxy.Configuration {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-hardening-home").path
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: upstream.baseURL), environment: [:], homeDirectory: home,
            serviceAccountDirectory: "/nonexistent/kcache-hardening/serviceaccount")
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.resources = resources
        configuration.registry.reflector.backoff.initial = .milliseconds(20)
        configuration.registry.reflector.backoff.maximum = .milliseconds(200)
        configuration.registry.reflector.backoff.jitter = 0.5
        configuration.router.bookmarkInterval = .milliseconds(200)
        configuration.router.resourceVersionWait = .milliseconds(300)
        configuration.upstream.connectTimeout = .seconds(2)
        return configuration
    }

    /// Starts kcache; returns once `/readyz` passes (every resource synced or restored) unless
    /// `waitUntilReady` is false.
    static func start(_ configuration: CachingProxy.Configuration, waitUntilReady: Bool = true) async throws -> KcacheInstance {
        var logger = Logger(label: "kcache.hardening")
        // KCACHE_E2E_LOG=info (or debug, …) shows what the proxy does while a test runs.
        logger.logLevel = ProcessInfo.processInfo.environment["KCACHE_E2E_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let instance: KcacheInstance
        do {
            let address = try await proxy.localAddress()
            instance = KcacheInstance(proxy: proxy, baseURL: "http://127.0.0.1:\(address.port ?? 0)", group: group, running: running)
        } catch {
            running.cancel()
            throw error
        }
        guard waitUntilReady else { return instance }
        do {
            let client = TestHTTPClient()
            try await waitUntil(timeout: .seconds(60), "kcache's /readyz to pass (\(configuration.resources))") {
                (try? await client.request("GET", instance.baseURL + "/readyz"))?.status == 200
            }
        } catch {
            await instance.shutdown()
            throw error
        }
        return instance
    }

    /// Triggers graceful shutdown and waits for the proxy to stop (its snapshot, if any, saved).
    func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// `/metrics`, scraped over HTTP.
    func scrape() async throws -> MetricSamples {
        let response = try await TestHTTPClient().request("GET", baseURL + "/metrics")
        guard response.status == 200 else { throw WaitTimeout(what: "/metrics answered \(response.status)", timeout: .zero) }
        return MetricSamples(response.text)
    }
}
