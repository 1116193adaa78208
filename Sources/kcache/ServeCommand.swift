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
        Every setting is a flag and a key of the --config YAML file (flags override the file,
        the file overrides defaults). Durations: 500ms, 30s, 10m, 1h. Sizes: 64KiB, 2GiB.

        --config FILE                YAML file of settings (keys as below, without --)
        \(ServeSettings.helpText)
        """)

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    func run() async throws {
        let settings: ServeSettings
        do {
            settings = try ServeSettings.resolve(arguments: arguments)
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
