/// The upstream-related command-line flags, as parsed (paths not yet checked).
///
/// `upstream` (with its TLS and token flags) and `kubeconfig`/`context` are alternatives;
/// `ClusterConfiguration.resolve` refuses both at once and, with neither, follows the lookup
/// order of DESIGN.md.
public struct ClusterOptions: Sendable, Hashable {
    /// `--upstream URL`
    public var upstream: String?
    /// `--token-file F`
    public var tokenFile: String?
    /// `--certificate-authority F`
    public var certificateAuthority: String?
    /// `--client-certificate F`
    public var clientCertificate: String?
    /// `--client-key F`
    public var clientKey: String?
    /// `--insecure-skip-tls-verify`
    public var insecureSkipTLSVerify: Bool
    /// `--kubeconfig F`
    public var kubeconfig: String?
    /// `--context NAME`
    public var context: String?

    public init(
        upstream: String? = nil, tokenFile: String? = nil, certificateAuthority: String? = nil,
        clientCertificate: String? = nil, clientKey: String? = nil, insecureSkipTLSVerify: Bool = false,
        kubeconfig: String? = nil, context: String? = nil
    ) {
        self.upstream = upstream
        self.tokenFile = tokenFile
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.kubeconfig = kubeconfig
        self.context = context
    }

    /// True when any flag of the `--upstream` group is set.
    var hasUpstreamFlags: Bool {
        upstream != nil || tokenFile != nil || certificateAuthority != nil || clientCertificate != nil
            || clientKey != nil || insecureSkipTLSVerify
    }
}
