import Foundation

/// Everything needed to reach one API server: its URL, TLS settings and the source of kcache's
/// credentials. A value: resolving it reads files once (to validate them); credentials that
/// change (token files, exec plugins) are read again by `CredentialProvider` at request time.
///
/// Build one with `resolve(_:environment:homeDirectory:serviceAccountDirectory:)`, which follows
/// flags, then `$KUBECONFIG`, the in-cluster service account and `~/.kube/config`.
public struct ClusterConfiguration: Sendable, Hashable {
    /// `scheme://host[:port][/prefix]` without a trailing slash; request paths are appended.
    public var server: String
    public var tls: TLSSettings
    public var credentials: CredentialSource
    /// kubeconfig `proxy-url`; nil lets libcurl honour `https_proxy`/`no_proxy` as client-go does.
    public var proxyURL: String?
    /// The namespace of the context or service account, when one is given.
    public var namespace: String?
    /// What this configuration came from, for the startup log line
    /// (`kubeconfig /path, context "dev"`, `in-cluster service account`, `--upstream flag`).
    public var origin: String

    public init(
        server: String, tls: TLSSettings = TLSSettings(), credentials: CredentialSource = .none,
        proxyURL: String? = nil, namespace: String? = nil, origin: String = "explicit"
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.proxyURL = proxyURL
        self.namespace = namespace
        self.origin = origin
    }

    /// The service account directory every pod gets.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Checks that `server` is an absolute http(s) URL and returns it without a trailing slash.
    static func validatedServer(_ raw: String, file: String?, key: String) throws -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ConfigurationError(file: file, key: key, "is required") }
        guard let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(file: file, key: key, "\"\(trimmed)\" is not an http(s) URL with a host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ConfigurationError(file: file, key: key, "\"\(trimmed)\" must not have a query or fragment")
        }
        var server = trimmed
        while server.hasSuffix("/") { server.removeLast() }
        return server
    }
}
