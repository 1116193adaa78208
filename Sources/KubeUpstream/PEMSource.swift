/// Where PEM bytes (a CA bundle, a client certificate or key) come from: a file libcurl reads
/// itself, or bytes already in memory (kubeconfig `*-data`, exec plugin output).
///
/// Paths are absolute once a `ClusterConfiguration` is resolved (kubeconfig-relative paths are
/// joined to the kubeconfig's directory). The `data` case's description hides its contents,
/// since a client key is a secret.
public enum PEMSource: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case data([UInt8])

    public var description: String {
        switch self {
        case .file(let path): return "file \(path)"
        case .data(let bytes): return "inline data (\(bytes.count) bytes)"
        }
    }
}
