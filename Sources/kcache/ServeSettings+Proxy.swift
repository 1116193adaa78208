import Foundation
import KubeAPI
import KubeCache
import KubeProxy
import KubeSnapshot
import KubeUpstream

/// Turning settings into the proxy's configuration, with the checks that need several keys.
extension ServeSettings {
    func proxyConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CachingProxy.Configuration {
        let (host, port) = try validate()
        let options = ClusterOptions(
            upstream: upstream, tokenFile: tokenFile, certificateAuthority: certificateAuthority,
            clientCertificate: clientCertificate, clientKey: clientKey, insecureSkipTLSVerify: insecureSkipTLSVerify,
            kubeconfig: kubeconfig, context: context)
        let cluster = try ClusterConfiguration.resolve(
            options, environment: environment,
            homeDirectory: environment["HOME"] ?? NSHomeDirectory(),
            serviceAccountDirectory: ClusterConfiguration.defaultServiceAccountDirectory)

        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = host
        configuration.server.port = port
        if let certificate = tlsCertFile, let key = tlsPrivateKeyFile {
            configuration.server.tls = try TLSServing.context(certificateFile: certificate, privateKeyFile: key)
        }
        configuration.server.limits.maxRequestBodyBytes = maxRequestBodyBytes
        configuration.authentication = auth
        configuration.authorization.allowedTTL = authzCacheTTL
        configuration.resources = resources
        configuration.registry.exclude = Set(exclude)
        configuration.registry.cacheOnDemand = cacheOnDemand
        configuration.registry.maxCacheBytes = maxCacheBytes
        configuration.registry.cache.historyWindow = historyWindow
        configuration.registry.cache.historyBytes = historyBytes
        configuration.registry.cache.maxWatcherLagBytes = maxWatcherQueueBytes
        configuration.router.consistency = consistency
        configuration.router.readYourWritesTimeout = rywTimeout
        configuration.router.bookmarkInterval = bookmarkInterval
        configuration.router.maxWatchers = maxWatchers
        configuration.router.snapshotMaxAge = snapshotMaxAge
        configuration.snapshot = snapshot.map { path in
            var snapshot = SnapshotStore.Configuration(path: path)
            snapshot.interval = snapshotInterval
            snapshot.maxAge = snapshotMaxAge
            snapshot.shouldSave = SnapshotStore.Configuration.resourceFilter(excluding: Set(exclude), includeSecrets: snapshotSecrets)
            return snapshot
        }
        return configuration
    }

    /// The checks that involve several keys and read no files; returns the listen address.
    /// `--print-config` runs them too, so it fails where `serve` would before it starts.
    @discardableResult
    func validate() throws(SettingsError) -> (host: String, port: Int) {
        let (host, port) = try listenAddress()
        let isLoopback = host == "127.0.0.1" || host == "::1" || host == "localhost"
        if auth == .none && !isLoopback && !allowUnauthenticatedRemote {
            throw SettingsError(
                key: "listen", source: "settings",
                problem: "--auth none serves everyone with kcache's own identity; refusing to listen on \(host) (loopback only) unless --allow-unauthenticated-remote is given")
        }
        if auth == .passthrough && !isLoopback && (tlsCertFile == nil || tlsPrivateKeyFile == nil) {
            throw SettingsError(
                key: "tls-cert-file", source: "settings",
                problem: "--auth passthrough on a non-loopback address needs TLS (--tls-cert-file and --tls-private-key-file): clients send their tokens")
        }
        if (tlsCertFile == nil) != (tlsPrivateKeyFile == nil) {
            throw SettingsError(key: "tls-cert-file", source: "settings", problem: "--tls-cert-file and --tls-private-key-file go together")
        }
        return (host, port)
    }

    /// `listen` as host and port.
    func listenAddress() throws(SettingsError) -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port)
        else {
            throw SettingsError(key: "listen", source: "settings", problem: "\"\(listen)\" is not HOST:PORT")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
