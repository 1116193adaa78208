/// Where kcache's own credential for the upstream comes from (client certificates are part of
/// `TLSSettings`).
///
/// Only the source is ever logged (`description`): a token file's path, an exec plugin's
/// command, never a token or password. `CredentialProvider` turns a source into the credential
/// of each request: a token file is re-read periodically and after a 401; an exec plugin is
/// re-run when its credential expires or after a 401.
public enum CredentialSource: Sendable, Hashable, CustomStringConvertible {
    case none
    /// A fixed bearer token (kubeconfig `token`).
    case token(SecretString)
    /// A bearer token read from a file that may be rewritten (service account tokens rotate).
    case tokenFile(String)
    /// HTTP basic authentication (kubeconfig `username`/`password`).
    case basic(username: String, password: SecretString)
    /// A client-go credential plugin (kubeconfig `exec`).
    case exec(ExecConfig)

    public var description: String {
        switch self {
        case .none: return "none"
        case .token: return "static bearer token"
        case .tokenFile(let path): return "bearer token file \(path)"
        case .basic(let username, _): return "basic auth as \(username)"
        case .exec(let exec): return "exec plugin \(exec.command)"
        }
    }
}
