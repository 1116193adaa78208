import ArgumentParser
import KubeProxy
import KubeSim
import KubeUpstream
import Logging
import ServiceLifecycle

/// `kcache demo`: a simulated cluster and kcache in front of it, on free ports; prints what to
/// try.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated cluster with kcache in front of it and print what to try.")

    func run() async throws {
        LoggingSetup.bootstrap(level: "warning", format: "text")
        let logger = Logger(label: "kcache.demo")
        let sim = try await SimCommand.start(
            listen: "127.0.0.1:0", plan: SeedPlan(namespaces: 4, configMapsPerNamespace: 25, podsPerNamespace: 10, configMapDataBytes: 256),
            churn: 2, history: 100_000, bookmarkInterval: "60s")
        var settings = ServeSettings()
        settings.listen = "127.0.0.1:0"
        settings.upstream = sim.baseURL
        settings.resources = ["pods", "configmaps"]
        let proxy = try CachingProxy(configuration: try settings.proxyConfiguration(environment: [:]), logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: proxy), .init(service: SimService(sim: sim))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let address = try await proxy.localAddress()
            let url = "http://127.0.0.1:\(address.port ?? 0)"
            print(Self.instructions(kcache: url, sim: sim.baseURL))
            try await tasks.waitForAll()
        }
    }

    static func instructions(kcache url: String, sim: String) -> String {
        """

        kcache demo: a simulated cluster (4 namespaces of configmaps and pods, 2 writes/s) with
        kcache in front of it.

          kcache:                 \(url)
          simulated API server:   \(sim)

        Try (every answer from the cache says X-Kcache-Source: cache):
          kubectl --server \(url) get pods -A
          kubectl --server \(url) get configmaps -n ns-0 -w --output-watch-events
          kubectl --server \(url) get configmaps -A -l app=app-1 -o name
          kubectl --server \(url) create configmap demo --from-literal=hello=world && kubectl --server \(url) get configmap demo -o yaml
          curl -si '\(url)/api/v1/namespaces/ns-0/configmaps?limit=2' | head -n 20
          curl -sN '\(url)/api/v1/namespaces/ns-1/pods?watch=1&allowWatchBookmarks=true' | head -c 600
          curl -s '\(url)/readyz?verbose'
          curl -s \(url)/metrics | grep '^kcache_'
          curl -s \(sim)/_sim/counters      # what actually reached the API server

        Ctrl-C stops both.
        """
    }
}
