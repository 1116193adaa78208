import Dispatch
import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeUpstream
import Logging
import ServiceLifecycle
import Synchronization

/// The servers of the read-after-write benchmark, in this process on 127.0.0.1 port 0: one
/// KubeSim per watch lag, and in front of each a kcache in `read-your-writes` mode and one in
/// `eventual` mode, both caching configmaps and pods.
///
/// Started and stopped from the benchmark's (non-async) thread; the servers run on NIO's
/// event loops and Swift's cooperative pool, which the benchmark's own blocking client
/// never occupies.
final class ReadAfterWriteEnvironment: Sendable {
    /// A KubeSim with its two proxies.
    struct Upstream: Sendable {
        var lag: Duration
        var sim: KubeSim
        var readYourWrites: Proxy
        var eventual: Proxy
    }

    /// One running kcache.
    struct Proxy: Sendable {
        var mode: ConsistencyMode
        var proxy: CachingProxy
        var port: Int
        var group: ServiceGroup
        var running: Task<Void, any Error>
    }

    static let namespace = "bench-0"
    static let unwrittenPods = 20

    let upstreams: [Upstream]

    private init(upstreams: [Upstream]) {
        self.upstreams = upstreams
    }

    static func start(lags: [Duration]) throws -> ReadAfterWriteEnvironment {
        try blocking {
            var upstreams: [Upstream] = []
            for lag in lags {
                let sim = KubeSim()
                try sim.seed(SeedPlan(
                    namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: unwrittenPods, nodes: 3,
                    namespacePrefix: "bench-"))
                try await sim.start(host: "127.0.0.1", port: 0)
                let readYourWrites = try await startProxy(.readYourWrites, upstream: sim)
                let eventual = try await startProxy(.eventual, upstream: sim)
                sim.faults.watchEventDelay = lag
                upstreams.append(Upstream(lag: lag, sim: sim, readYourWrites: readYourWrites, eventual: eventual))
            }
            return ReadAfterWriteEnvironment(upstreams: upstreams)
        }
    }

    func stop() {
        try? Self.blocking { [upstreams] in
            for upstream in upstreams {
                upstream.sim.faults.reset()
                for proxy in [upstream.readYourWrites, upstream.eventual] {
                    await proxy.group.triggerGracefulShutdown()
                    _ = try? await proxy.running.value
                }
                try? await upstream.sim.shutdown()
            }
        }
    }

    private static func startProxy(_ mode: ConsistencyMode, upstream: KubeSim) async throws -> Proxy {
        var logger = Logger(label: "kcache.bench")
        logger.logLevel = .error
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: upstream.baseURL), environment: [:],
            homeDirectory: FileManager.default.temporaryDirectory.path,
            serviceAccountDirectory: "/nonexistent/kcache-bench/serviceaccount")
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.resources = ["configmaps", "pods"]
        configuration.router.consistency = mode
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let port = try await proxy.localAddress().port ?? 0
        // Ready once both resources have synced.
        let deadline = ContinuousClock.now + .seconds(30)
        while !["configmaps", "pods"].allSatisfy({ resource in
            proxy.registry.cache(for: GroupVersionResource(group: "", version: "v1", resource: resource))?.readiness.isReady == true
        }) {
            guard ContinuousClock.now < deadline else { throw ReadAfterWriteConnection.Failure(description: "kcache did not sync") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Proxy(mode: mode, proxy: proxy, port: port, group: group, running: running)
    }

    /// Runs `body` on Swift's concurrency runtime and waits for it on this (non-pool) thread.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task {
            do {
                let value = try await body()
                result.withLock { $0 = .success(value) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            semaphore.signal()
        }
        semaphore.wait()
        return try result.withLock { $0! }.get()
    }
}
