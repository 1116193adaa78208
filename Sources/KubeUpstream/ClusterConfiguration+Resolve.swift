import Foundation

extension ClusterConfiguration {
    /// Resolves the upstream from flags, the environment and well-known files.
    ///
    /// Order (controller-runtime's): `--upstream` flags; `--kubeconfig`; `$KUBECONFIG` (a
    /// colon-separated list; the files that exist are merged as kubectl merges them, the first
    /// definition of a name winning); the in-cluster service account (when both
    /// `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` are set; skipped when `--context`
    /// is given, since a context names a kubeconfig entry); `<home>/.kube/config`. With none of
    /// them, the error lists what was tried. Every referenced file is checked for readability
    /// now so that a typo fails at startup, not at the first request.
    public static func resolve(
        _ options: ClusterOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil,
        serviceAccountDirectory: String = ClusterConfiguration.defaultServiceAccountDirectory
    ) throws -> ClusterConfiguration {
        if options.hasUpstreamFlags {
            if options.kubeconfig != nil || options.context != nil {
                throw ConfigurationError(
                    key: options.kubeconfig != nil ? "--kubeconfig" : "--context",
                    "cannot be combined with --upstream and its TLS or token flags")
            }
            return try fromFlags(options)
        }
        if let path = options.kubeconfig {
            return try Kubeconfig.load(path: path).configuration(context: options.context)
        }
        var tried = ["--upstream and --kubeconfig (not given)"]
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            let existing = paths.filter(FileAccess.exists)
            guard !existing.isEmpty else {
                throw ConfigurationError(
                    key: "$KUBECONFIG", "none of its files exist (\(paths.joined(separator: ", ")))")
            }
            var merged = try Kubeconfig.load(path: existing[0])
            for path in existing.dropFirst() { merged.merge(try Kubeconfig.load(path: path)) }
            return try merged.configuration(context: options.context)
        }
        tried.append("$KUBECONFIG (not set)")
        if options.context == nil {
            if let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
               let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty {
                return try inCluster(host: host, port: port, directory: serviceAccountDirectory)
            }
            tried.append("in-cluster service account (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT not set)")
        }
        let home = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
        let defaultPath = (home as NSString).appendingPathComponent(".kube/config")
        if FileAccess.exists(defaultPath) {
            return try Kubeconfig.load(path: defaultPath).configuration(context: options.context)
        }
        tried.append("\(defaultPath) (not found)")
        throw ConfigurationError(
            "no upstream API server configured; tried \(tried.joined(separator: ", ")). "
                + "Pass --upstream URL or --kubeconfig FILE")
    }

    private static func fromFlags(_ options: ClusterOptions) throws -> ClusterConfiguration {
        guard let upstream = options.upstream else {
            throw ConfigurationError(key: "--upstream", "is required with --token-file, --certificate-authority, --client-certificate, --client-key and --insecure-skip-tls-verify")
        }
        let server = try validatedServer(upstream, file: nil, key: "--upstream")
        var tls = TLSSettings(insecureSkipVerify: options.insecureSkipTLSVerify)
        if let ca = options.certificateAuthority {
            if options.insecureSkipTLSVerify {
                throw ConfigurationError(key: "--insecure-skip-tls-verify", "cannot be combined with --certificate-authority")
            }
            try FileAccess.checkReadable(ca, file: nil, key: "--certificate-authority")
            tls.certificateAuthority = .file(ca)
        }
        switch (options.clientCertificate, options.clientKey) {
        case (.some(let certificate), .some(let key)):
            try FileAccess.checkReadable(certificate, file: nil, key: "--client-certificate")
            try FileAccess.checkReadable(key, file: nil, key: "--client-key")
            tls.clientCertificate = .file(certificate)
            tls.clientKey = .file(key)
        case (.some, nil):
            throw ConfigurationError(key: "--client-key", "is required with --client-certificate")
        case (nil, .some):
            throw ConfigurationError(key: "--client-certificate", "is required with --client-key")
        case (nil, nil):
            break
        }
        var credentials = CredentialSource.none
        if let tokenFile = options.tokenFile {
            try FileAccess.checkReadable(tokenFile, file: nil, key: "--token-file")
            credentials = .tokenFile(tokenFile)
        }
        return ClusterConfiguration(server: server, tls: tls, credentials: credentials, origin: "--upstream flag")
    }

    /// client-go's `InClusterConfig`: the service's host and port, the mounted token (re-read as
    /// it rotates) and CA (system roots if absent), and the pod's namespace.
    private static func inCluster(host: String, port: String, directory: String) throws -> ClusterConfiguration {
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let server = try validatedServer(
            "https://\(hostPart):\(port)", file: nil, key: "KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT")
        let label = "in-cluster service account \(directory)"
        let tokenPath = (directory as NSString).appendingPathComponent("token")
        try FileAccess.checkReadable(tokenPath, file: label, key: "token")
        var tls = TLSSettings()
        let caPath = (directory as NSString).appendingPathComponent("ca.crt")
        if FileAccess.exists(caPath) {
            try FileAccess.checkReadable(caPath, file: label, key: "ca.crt")
            tls.certificateAuthority = .file(caPath)
        }
        let namespacePath = (directory as NSString).appendingPathComponent("namespace")
        let namespace = (try? FileAccess.readTrimmedText(namespacePath)).flatMap { $0.isEmpty ? nil : $0 }
        return ClusterConfiguration(
            server: server, tls: tls, credentials: .tokenFile(tokenPath), namespace: namespace,
            origin: "in-cluster service account (\(directory))")
    }
}
