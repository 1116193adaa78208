import Foundation
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Logging
import ServiceLifecycle

/// kcache's proxy running in-process in front of a KubeSim, on 127.0.0.1 port 0, the way
/// `kcache serve --upstream URL --resources …` runs it: a ServiceGroup with the proxy, shut
/// down gracefully at the end.
///
/// `start` returns once `/readyz` answers 200, i.e. once every resource in `resources` has
/// finished its first sync, so a test's first read is already answered from the cache.
struct KcacheFront: Sendable {
    let proxy: CachingProxy
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let baseURL: String

    /// The proxy's configuration for `upstream`, with the test tuning applied.
    static func configuration(upstream: KubeSim, resources: [String], tuning: ConformanceFixture.Tuning) throws -> CachingProxy.Configuration {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-e2e-home").path
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: upstream.baseURL), environment: [:], homeDirectory: home,
            serviceAccountDirectory: "/nonexistent/kcache-e2e/serviceaccount")
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.resources = resources
        configuration.router.resourceVersionWait = tuning.kcacheResourceVersionWait
        configuration.router.bookmarkInterval = tuning.bookmarkInterval
        configuration.registry.cache.maxRetainedSnapshots = tuning.kcacheRetainedSnapshots
        return configuration
    }

    /// - Parameters:
    ///   - logger: the proxy's logger; by default one at `KCACHE_E2E_LOG` level (error).
    ///   - readyTimeout: how long to wait for `/readyz` (a bound on failure only; large
    ///     resources on a busy machine need longer than the default).
    ///   - configure: changes to the configuration beyond the tuning (limits, exclusions,
    ///     credentials), applied last.
    static func start(
        upstream: KubeSim, resources: [String], tuning: ConformanceFixture.Tuning, logger: Logger? = nil,
        readyTimeout: Duration = .seconds(15), configure: (inout CachingProxy.Configuration) throws -> Void = { _ in }
    ) async throws -> KcacheFront {
        var logger = logger ?? {
            var logger = Logger(label: "kcache.e2e")
            // KCACHE_E2E_LOG=info (or debug, …) shows what the proxy does while a test runs.
            logger.logLevel = ProcessInfo.processInfo.environment["KCACHE_E2E_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
            return logger
        }()
        logger[metadataKey: "upstream"] = "\(upstream.baseURL)"
        var configuration = try configuration(upstream: upstream, resources: resources, tuning: tuning)
        try configure(&configuration)
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let front: KcacheFront
        do {
            let address = try await proxy.localAddress()
            front = KcacheFront(proxy: proxy, group: group, running: running, baseURL: "http://127.0.0.1:\(address.port ?? 0)")
        } catch {
            running.cancel()
            throw error
        }
        do {
            let client = TestHTTPClient()
            try await waitUntil(timeout: readyTimeout, "kcache's /readyz to pass (resources \(resources) synced)") {
                (try? await client.request("GET", front.baseURL + "/readyz"))?.status == 200
            }
        } catch {
            await front.shutdown()
            throw error
        }
        return front
    }

    /// Triggers graceful shutdown and waits for the proxy to stop.
    func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
