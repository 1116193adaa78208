/// A client-go credential plugin as a kubeconfig's `users[].user.exec` describes it.
///
/// `command` is a path (kubeconfig-relative paths already joined to the kubeconfig's
/// directory) or a bare name looked up in `PATH`. `env` adds to kcache's own environment.
/// `cluster` is what the plugin receives in `KUBERNETES_EXEC_INFO` when `provideClusterInfo`
/// is set. kcache never has a terminal, so the plugin always runs non-interactively
/// (`interactiveMode: Always` is refused when the plugin is run).
public struct ExecConfig: Sendable, Hashable {
    public var command: String
    public var args: [String]
    public var env: [EnvVar]
    /// `client.authentication.k8s.io/v1` or `/v1beta1`; the plugin must answer in the same one.
    public var apiVersion: String
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always` (v1 requires it; v1beta1 defaults to `IfAvailable`).
    public var interactiveMode: String
    /// Filled by `ClusterConfiguration.resolve` from the cluster this user is paired with.
    public var cluster: ClusterInfo?

    public init(
        command: String, args: [String] = [], env: [EnvVar] = [],
        apiVersion: String = "client.authentication.k8s.io/v1", installHint: String? = nil,
        provideClusterInfo: Bool = false, interactiveMode: String = "IfAvailable", cluster: ClusterInfo? = nil
    ) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.cluster = cluster
    }

    /// One `name`/`value` entry of `exec.env`.
    public struct EnvVar: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The cluster as an exec plugin sees it in `spec.cluster` (CA always as bytes).
    public struct ClusterInfo: Sendable, Hashable {
        public var server: String
        public var tlsServerName: String?
        public var insecureSkipTLSVerify: Bool
        public var certificateAuthorityData: [UInt8]?
        public var proxyURL: String?

        public init(
            server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
            certificateAuthorityData: [UInt8]? = nil, proxyURL: String? = nil
        ) {
            self.server = server
            self.tlsServerName = tlsServerName
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.certificateAuthorityData = certificateAuthorityData
            self.proxyURL = proxyURL
        }
    }
}
