import ArgumentParser

/// `kcache`: a caching read-proxy for the Kubernetes API.
@main
struct KcacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kcache",
        abstract: "A caching read-proxy for the Kubernetes API.",
        subcommands: [ServeCommand.self, SimCommand.self, DemoCommand.self],
        defaultSubcommand: ServeCommand.self)
}
