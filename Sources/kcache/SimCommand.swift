import ArgumentParser
import KubeSim
import Logging
import ServiceLifecycle

/// `kcache sim`: a simulated Kubernetes API server, seeded, with optional churn.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a simulated Kubernetes API server (for the demo, tests and benchmarks).")

    @Option(help: "HOST:PORT to serve on (port 0: any free port).")
    var listen = "127.0.0.1:0"
    @Option(help: "Namespaces to create.")
    var namespaces = 3
    @Option(help: "ConfigMaps per namespace.")
    var configmaps = 10
    @Option(help: "Pods per namespace.")
    var pods = 10
    @Option(name: .customLong("configmap-bytes"), help: "Bytes of data in each ConfigMap.")
    var configMapBytes = 0
    @Option(help: "Writes per second (updates, creates, deletes).")
    var churn = 0
    @Option(help: "Events kept per resource for watch resume.")
    var history = 100_000
    @Option(name: .customLong("bookmark-interval"), help: "How often watches get a bookmark (like 60s).")
    var bookmarkInterval = "60s"

    func run() async throws {
        LoggingSetup.bootstrap(level: "info", format: "text")
        let sim = try await SimCommand.start(
            listen: listen,
            plan: SeedPlan(namespaces: namespaces, configMapsPerNamespace: configmaps, podsPerNamespace: pods, configMapDataBytes: configMapBytes),
            churn: churn, history: history, bookmarkInterval: bookmarkInterval)
        print("kcache sim: a simulated API server at \(sim.baseURL)")
        print("  kubectl --server \(sim.baseURL) get pods -A")
        print("  curl -s \(sim.baseURL)/_sim/counters")
        try await ServiceGroup(
            configuration: .init(services: [.init(service: SimService(sim: sim))], gracefulShutdownSignals: [.sigterm, .sigint],
                                 logger: Logger(label: "kcache.sim"))).run()
    }

    /// Starts a seeded simulator.
    static func start(listen: String, plan: SeedPlan, churn: Int, history: Int, bookmarkInterval: String) async throws -> KubeSim {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        guard let interval = Quantities.duration(bookmarkInterval) else {
            throw ValidationError("--bookmark-interval: \"\(bookmarkInterval)\" is not a duration")
        }
        var configuration = KubeSim.Configuration()
        configuration.historyLimit = history
        configuration.bookmarkInterval = interval
        let sim = KubeSim(configuration: configuration, logger: Logger(label: "kcache.sim"))
        try sim.seed(plan)
        try await sim.start(host: String(listen[..<colon]), port: port)
        if churn > 0 { sim.startChurn(writesPerSecond: churn) }
        return sim
    }
}

/// Keeps a simulator running until graceful shutdown.
struct SimService: Service {
    let sim: KubeSim

    func run() async throws {
        try await gracefulShutdown()
        sim.stopChurn()
        try await sim.shutdown()
    }
}
