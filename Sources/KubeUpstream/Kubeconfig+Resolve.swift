extension Kubeconfig {
    /// The configuration of context `name` (or of `current-context`), validated as client-go's
    /// `ConfirmUsable` does: the context's cluster and user must exist, `server` is required, a
    /// CA file and `-data` exclude each other and the insecure flag, a certificate needs its
    /// key, at most one of token and basic auth, exec excludes both, files must be readable.
    func configuration(context requested: String?) throws -> ClusterConfiguration {
        let fileList = files.map(Kubeconfig.label).joined(separator: ", ")
        guard let contextName = requested ?? currentContext else {
            throw ConfigurationError(
                file: fileList, key: "current-context", "is not set and no --context was given")
        }
        guard let context = contexts[contextName] else {
            let known = contexts.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            let key = requested != nil ? "--context" : "current-context"
            let file = requested != nil ? fileList : currentContextFile.map(Kubeconfig.label) ?? fileList
            throw ConfigurationError(
                file: file, key: key,
                "no context named \"\(contextName)\" (contexts: \(known.isEmpty ? "none" : known))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw ConfigurationError(
                file: context.origin.file, key: "\(context.origin.key).cluster",
                "no cluster named \"\(context.cluster)\"")
        }
        var user: User?
        if let userName = context.user {
            guard let found = users[userName] else {
                throw ConfigurationError(
                    file: context.origin.file, key: "\(context.origin.key).user",
                    "no user named \"\(userName)\"")
            }
            user = found
        }

        let clusterKey = cluster.origin.key
        let server = try ClusterConfiguration.validatedServer(
            cluster.server ?? "", file: cluster.origin.file, key: "\(clusterKey).server")
        var tls = TLSSettings(insecureSkipVerify: cluster.insecureSkipTLSVerify, serverName: cluster.tlsServerName)
        tls.certificateAuthority = try pem(
            file: cluster.certificateAuthority, data: cluster.certificateAuthorityData,
            origin: cluster.origin, key: "\(clusterKey).certificate-authority")
        if tls.insecureSkipVerify, tls.certificateAuthority != nil {
            throw ConfigurationError(
                file: cluster.origin.file, key: "\(clusterKey).insecure-skip-tls-verify",
                "cannot be combined with a certificate authority")
        }

        var credentials = CredentialSource.none
        if let user {
            let userKey = user.origin.key
            tls.clientCertificate = try pem(
                file: user.clientCertificate, data: user.clientCertificateData,
                origin: user.origin, key: "\(userKey).client-certificate")
            tls.clientKey = try pem(
                file: user.clientKey, data: user.clientKeyData, origin: user.origin, key: "\(userKey).client-key")
            if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
                let missing = tls.clientKey == nil ? "client-key" : "client-certificate"
                let present = tls.clientKey == nil ? "client-certificate" : "client-key"
                throw ConfigurationError(
                    file: user.origin.file, key: "\(userKey).\(missing)", "is required with \(present)")
            }
            credentials = try credentialSource(user, userKey: userKey)
            if case .exec(var exec) = credentials {
                exec.cluster = try ExecConfig.ClusterInfo(
                    server: server, tlsServerName: cluster.tlsServerName,
                    insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
                    certificateAuthorityData: tls.certificateAuthority.map(bytes(of:)),
                    proxyURL: cluster.proxyURL)
                credentials = .exec(exec)
            }
        }
        return ClusterConfiguration(
            server: server, tls: tls, credentials: credentials, proxyURL: cluster.proxyURL,
            namespace: context.namespace,
            origin: "\(files.count == 1 ? Kubeconfig.label(files[0]) : "$KUBECONFIG (\(fileList))"), context \"\(contextName)\"")
    }

    private func credentialSource(_ user: User, userKey: String) throws -> CredentialSource {
        if user.hasAuthProvider {
            throw ConfigurationError(
                file: user.origin.file, key: "\(userKey).auth-provider",
                "auth-provider plugins are not supported; use an exec credential plugin")
        }
        let hasToken = user.token != nil || user.tokenFile != nil
        let hasBasic = user.username != nil || user.password != nil
        if hasToken, hasBasic {
            throw ConfigurationError(
                file: user.origin.file, key: userKey,
                "more than one authentication method (token and username/password); only one is allowed")
        }
        if let exec = user.exec {
            if hasToken || hasBasic {
                throw ConfigurationError(
                    file: user.origin.file, key: "\(userKey).exec",
                    "cannot be combined with \(hasToken ? "a token" : "username/password")")
            }
            return .exec(exec)
        }
        if let tokenFile = user.tokenFile {
            try FileAccess.checkReadable(tokenFile, file: user.origin.file, key: "\(userKey).tokenFile")
            return .tokenFile(tokenFile)
        }
        if let token = user.token { return .token(SecretString(token)) }
        if hasBasic {
            guard let username = user.username else {
                throw ConfigurationError(file: user.origin.file, key: "\(userKey).username", "is required with password")
            }
            return .basic(username: username, password: SecretString(user.password ?? ""))
        }
        return .none
    }

    /// A file reference or inline data for `key`, refusing both at once and unreadable files.
    private func pem(file: String?, data: [UInt8]?, origin: Origin, key: String) throws -> PEMSource? {
        switch (file, data) {
        case (.some, .some):
            throw ConfigurationError(
                file: origin.file, key: "\(key)-data", "cannot be combined with \(key.split(separator: ".").last ?? "")")
        case (.some(let path), nil):
            try FileAccess.checkReadable(path, file: origin.file, key: key)
            return .file(path)
        case (nil, .some(let bytes)):
            return .data(bytes)
        case (nil, nil):
            return nil
        }
    }

    private func bytes(of source: PEMSource) throws -> [UInt8] {
        switch source {
        case .data(let bytes): return bytes
        case .file(let path):
            do { return try FileAccess.read(path) } catch {
                throw ConfigurationError(file: nil, key: nil, "cannot read \(path) (\(error.reason))")
            }
        }
    }
}
