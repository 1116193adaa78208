import KubeProxy

/// Every setting of `kcache serve`, with its default.
///
/// Three sources, in rising precedence: these defaults, the `--config` file, the command
/// line. Both the file and the flags go through `ServeSettings.keys`, one table of
/// `name → parser`, so a key means the same in both places and every error names the key.
struct ServeSettings: Sendable {
    var listen = "127.0.0.1:8001"
    // Upstream
    var kubeconfig: String?
    var context: String?
    var upstream: String?
    var tokenFile: String?
    var certificateAuthority: String?
    var clientCertificate: String?
    var clientKey: String?
    var insecureSkipTLSVerify = false
    // Caching
    var resources: [String] = []
    var cacheOnDemand = true
    var exclude = ["secrets", "events"]
    var maxCacheBytes = 2 << 30
    var historyWindow: Duration = .seconds(600)
    var historyBytes = 256 << 20
    var bookmarkInterval: Duration = .seconds(60)
    // Reads
    var consistency: ConsistencyMode = .readYourWrites
    var rywTimeout: Duration = .seconds(1)
    // Restart
    var snapshot: String?
    var snapshotInterval: Duration = .seconds(30)
    var snapshotSecrets = false
    var snapshotMaxAge: Duration = .seconds(3600)
    // Access
    var auth: UpstreamForwarder.Authentication = .none
    var allowUnauthenticatedRemote = false
    var tlsCertFile: String?
    var tlsPrivateKeyFile: String?
    var authzCacheTTL: Duration = .seconds(10)
    // Limits
    var maxRequestBodyBytes = 3 << 20
    var maxWatcherQueueBytes = 16 << 20
    var maxWatchers = 10_000
    // Logs
    var logLevel = "info"
    var logFormat = "text"
}

/// A problem with a setting, naming the key and where it came from.
struct SettingsError: Error, CustomStringConvertible {
    var key: String
    var source: String
    var problem: String

    var description: String { "invalid configuration: \(source) key \"\(key)\": \(problem)" }
}
