import Foundation
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Logging
import ServiceLifecycle

/// One kcache (`CachingProxy`) running in-process in front of a KubeSim on 127.0.0.1 port 0,
/// the way `kcache serve --upstream URL --resources …` runs it: a ServiceGroup holding the
/// proxy, shut down gracefully by `shutdown()`.
///
/// `start` returns once `/readyz` answers 200, i.e. once every resource in
/// `configuration.resources` has finished its first sync, so a test's first read is already
/// answered from the cache. Several may run against one KubeSim (kcache replicas).
struct RunningProxy: Sendable {
    let proxy: CachingProxy
    let baseURL: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// The consistency decisions this proxy made (waits, wait time, fallbacks by resource).
    var statistics: ProxyStatistics { proxy.statistics }

    /// A configuration for a proxy in front of `upstream` (cluster resolved from `--upstream`
    /// alone, never from this machine's kubeconfig or service account), listening on port 0.
    static func configuration(upstream: KubeSim, resources: [String]) throws -> CachingProxy.Configuration {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-proxy-tests-home").path
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: upstream.baseURL), environment: [:], homeDirectory: home,
            serviceAccountDirectory: "/nonexistent/kcache-proxy-tests/serviceaccount")
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.resources = resources
        return configuration
    }

    static func start(_ configuration: CachingProxy.Configuration) async throws -> RunningProxy {
        var logger = Logger(label: "kcache.proxy-tests")
        // KCACHE_TEST_LOG=info (or debug, …) shows what the proxy does while a test runs.
        logger.logLevel = ProcessInfo.processInfo.environment["KCACHE_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let started: RunningProxy
        do {
            let address = try await proxy.localAddress()
            started = RunningProxy(
                proxy: proxy, baseURL: "http://127.0.0.1:\(address.port ?? 0)", group: group, running: running)
        } catch {
            running.cancel()
            throw error
        }
        do {
            let client = TestHTTPClient()
            try await waitUntil(timeout: .seconds(20), "kcache's /readyz to pass (\(configuration.resources) synced)") {
                (try? await client.request("GET", started.baseURL + "/readyz"))?.status == 200
            }
        } catch {
            await started.shutdown()
            throw error
        }
        return started
    }

    /// Triggers graceful shutdown and waits for the proxy to stop.
    func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
