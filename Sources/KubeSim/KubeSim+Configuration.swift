import NIOSSL

extension KubeSim {
    /// How a KubeSim behaves; every field has the API server's default where one exists.
    public struct Configuration: Sendable {
        /// Events kept per resource for watch resume and exact reads; older ones are dropped
        /// and reading from before them answers 410 Expired.
        public var historyLimit: Int = 100_000
        /// How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK.
        public var bookmarkInterval: Duration = .seconds(60)
        /// Serve HTTPS with this certificate (and optionally require client certificates).
        public var tls: TLS? = nil
        /// How long a read naming a resourceVersion not reached yet waits before 504
        /// (the API server waits 3 s).
        public var resourceVersionWaitTimeout: Duration = .seconds(3)
        /// Events queued for one watcher before it is closed as too slow.
        public var watchQueueLimit: Int = 10_000
        /// The request body cap (the API server's 3 MiB); larger bodies get 413.
        public var maximumRequestBodyBytes: Int = 3 * 1024 * 1024
        /// Namespaces that exist from the start, as in a new cluster (`kubectl` defaults to
        /// `default`). Set to `[]` for an empty server.
        public var initialNamespaces: [String] = ["default", "kube-node-lease", "kube-public", "kube-system"]
        /// Tokens and access rules for TokenReview, SubjectAccessReview and (when it enforces)
        /// KubeSim's own API; see `KubeSim+Auth.swift`. Replaceable later with `setAuthPolicy`.
        public var auth: AuthPolicy? = nil

        public init() {}
    }

    /// TLS serving: PEM files made by the test (KubeSim generates nothing itself).
    public struct TLS: Sendable {
        public var certificateChainPath: String
        public var privateKeyPath: String
        /// When set, clients must present a certificate signed by this CA.
        public var clientCAPath: String?

        public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.clientCAPath = clientCAPath
        }

        func makeContext() throws -> NIOSSLContext {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            if let clientCAPath {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .file(clientCAPath)
            }
            return try NIOSSLContext(configuration: configuration)
        }
    }
}
