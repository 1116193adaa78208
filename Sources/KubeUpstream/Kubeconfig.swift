/// A parsed kubeconfig, or the merge of the files of a `$KUBECONFIG` list, before a context is
/// chosen.
///
/// Parsing keeps every entry's origin (file and key path) so that later errors name them, and
/// joins relative file references (`certificate-authority`, `client-certificate`, `client-key`,
/// `tokenFile`, an exec `command` containing a `/`) to the directory of the file that holds
/// them. Merging follows kubectl: for each name, the first file that defines it wins, and so
/// does the first non-empty `current-context`.
struct Kubeconfig: Sendable {
    var currentContext: String?
    /// Name of the file that set `currentContext`.
    var currentContextFile: String?
    var clusters: [String: Cluster] = [:]
    var users: [String: User] = [:]
    var contexts: [String: Context] = [:]
    /// The files merged into this one, in order.
    var files: [String] = []

    /// Where an entry was defined: `kubeconfig /path` and the key of its body,
    /// `clusters["name"].cluster`.
    struct Origin: Sendable, Hashable {
        var file: String
        var key: String
    }

    /// A `clusters[].cluster` entry, file references already absolute.
    struct Cluster: Sendable {
        var origin: Origin
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: [UInt8]?
        var insecureSkipTLSVerify = false
        var tlsServerName: String?
        var proxyURL: String?
    }

    /// A `users[].user` entry, file references already absolute.
    struct User: Sendable {
        var origin: Origin
        var clientCertificate: String?
        var clientCertificateData: [UInt8]?
        var clientKey: String?
        var clientKeyData: [UInt8]?
        var token: String?
        var tokenFile: String?
        var username: String?
        var password: String?
        var exec: ExecConfig?
        var hasAuthProvider = false
    }

    /// A `contexts[].context` entry.
    struct Context: Sendable {
        var origin: Origin
        var cluster: String
        var user: String?
        var namespace: String?
    }

    /// Adds the entries of `other` that this config does not define yet.
    mutating func merge(_ other: Kubeconfig) {
        if currentContext == nil, let current = other.currentContext {
            currentContext = current
            currentContextFile = other.currentContextFile
        }
        clusters.merge(other.clusters) { mine, _ in mine }
        users.merge(other.users) { mine, _ in mine }
        contexts.merge(other.contexts) { mine, _ in mine }
        files += other.files
    }

    /// How a file is named in errors.
    static func label(_ path: String) -> String { "kubeconfig \(path)" }
}
