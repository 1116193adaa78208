import ArgumentParser
import Foundation
import KubeProxy
import KubeUpstream
import Logging
import Metrics
import ServiceLifecycle

/// `kcache serve`: the proxy.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve GET, LIST and WATCH from a watch-fed cache; pass everything else to the API server.",
        discussion: """
        Every setting is a flag and a key of the --config YAML file (flags override the file, the file overrides defaults). Durations: 500ms, 30s, 10m, 1h. Sizes: 64KiB, 2GiB. Booleans: --name or --no-name. Lists: comma-separated.

        \(ServeSettings.helpText)
        """)

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    func run() async throws {
        // The arguments are captured for the settings table, so help is asked for here.
        if arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            print(Self.helpMessage())
            return
        }
        let parsed: ServeSettings.Arguments
        let settings: ServeSettings
        do {
            parsed = try ServeSettings.parse(arguments)
            settings = try ServeSettings.resolve(parsed)
            if parsed.printConfig {
                try settings.validate()
                print(try settings.yaml(configFile: parsed.configFile), terminator: "")
                return
            }
        } catch {
            throw ValidationError("\(error)")
        }
        LoggingSetup.bootstrap(level: settings.logLevel, format: settings.logFormat)
        let logger = Logger(label: "kcache")
        let configuration = try settings.proxyConfiguration()
        // Libraries that report to the global metrics system land in the same registry.
        let metrics = ProxyMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let proxy = try CachingProxy(configuration: configuration, metrics: metrics, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: proxy)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
