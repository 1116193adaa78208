import Foundation
import KubeAPI
import KubeCache
import KubeProxy
import KubeSnapshot
import KubeUpstream

/// Turning settings into the proxy's configuration, with the checks that need several keys.
extension ServeSettings {
    func proxyConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CachingProxy.Configuration {
        let options = ClusterOptions(
            upstream: upstream, tokenFile: tokenFile, certificateAuthority: certificateAuthority,
            clientCertificate: clientCertificate, clientKey: clientKey, insecureSkipTLSVerify: insecureSkipTLSVerify,
            kubeconfig: kubeconfig, context: context)
        let cluster = try ClusterConfiguration.resolve(
            options, environment: environment,
            homeDirectory: environment["HOME"] ?? NSHomeDirectory(),
            serviceAccountDirectory: ClusterConfiguration.defaultServiceAccountDirectory)

        var configuration = CachingProxy.Configuration(cluster: cluster)
        let (host, port) = try listenAddress()
        configuration.server.host = host
        configuration.server.port = port
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
        switch (tlsCertFile, tlsPrivateKeyFile) {
        case let (certificate?, key?):
            configuration.server.tls = try TLSServing.context(certificateFile: certificate, privateKeyFile: key)
        case (nil, nil):
            break
        default:
            throw SettingsError(key: "tls-cert-file", source: "settings", problem: "--tls-cert-file and --tls-private-key-file go together")
        }
        configuration.server.limits.maxRequestBodyBytes = maxRequestBodyBytes
        configuration.authentication = auth
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
        configuration.snapshot = snapshotConfiguration()
        return configuration
    }

    /// `--snapshot FILE` and its companions; nil without `--snapshot`. Secrets, and the kinds
    /// `--exclude` names, are written only with `--snapshot-secrets`.
    func snapshotConfiguration() -> SnapshotStore.Configuration? {
        guard let snapshot else { return nil }
        var configuration = SnapshotStore.Configuration(path: snapshot)
        configuration.interval = snapshotInterval
        configuration.maxAge = snapshotMaxAge
        configuration.shouldSave = SnapshotStore.Configuration.resourceFilter(
            excluding: snapshotSecrets ? [] : Set(exclude), includeSecrets: snapshotSecrets)
        return configuration
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
