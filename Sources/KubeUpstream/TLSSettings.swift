/// How kcache verifies the API server and proves its own identity over TLS.
///
/// `certificateAuthority` nil means the system trust store. `serverName` (kubeconfig
/// `tls-server-name`) replaces the URL's host for SNI and certificate verification while the
/// connection still goes to the URL's host. A client certificate and key come together or not
/// at all (`ClusterConfiguration.resolve` enforces it); an exec plugin may supply them instead,
/// per credential.
public struct TLSSettings: Sendable, Hashable {
    public var certificateAuthority: PEMSource?
    public var clientCertificate: PEMSource?
    public var clientKey: PEMSource?
    public var insecureSkipVerify: Bool
    public var serverName: String?

    public init(
        certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil,
        clientKey: PEMSource? = nil, insecureSkipVerify: Bool = false, serverName: String? = nil
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}
