import Foundation
import Yams

extension Kubeconfig {
    /// Reads and parses the kubeconfig at `path` (YAML or JSON).
    static func load(path: String) throws -> Kubeconfig {
        let label = Kubeconfig.label(path)
        let bytes: [UInt8]
        do {
            bytes = try FileAccess.read(path)
        } catch {
            throw ConfigurationError(file: label, "cannot read the file (\(error.reason))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(file: label, "is not UTF-8 text")
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses kubeconfig text; `path` names the file in errors and anchors relative paths.
    static func parse(yaml text: String, path: String) throws -> Kubeconfig {
        let label = Kubeconfig.label(path)
        let directory = (path as NSString).deletingLastPathComponent
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(file: label, "not valid YAML: \(error)")
        }
        var config = Kubeconfig(files: [path])
        guard let root else { return config }  // an empty file is an empty config, as for kubectl
        let top = YAMLField(node: root, key: "", file: label, directory: directory)
        guard top.node.mapping != nil else { throw ConfigurationError(file: label, "the top level must be a mapping") }

        if let current = try top.string("current-context"), !current.isEmpty {
            config.currentContext = current
            config.currentContextFile = path
        }
        for (name, entry) in try top.namedEntries("clusters", body: "cluster") {
            guard config.clusters[name] == nil else { continue }  // first definition wins, as in kubectl
            config.clusters[name] = try parseCluster(entry, origin: Origin(file: label, key: entry.key))
        }
        for (name, entry) in try top.namedEntries("users", body: "user") {
            guard config.users[name] == nil else { continue }
            config.users[name] = try parseUser(entry, origin: Origin(file: label, key: entry.key))
        }
        for (name, entry) in try top.namedEntries("contexts", body: "context") {
            guard config.contexts[name] == nil else { continue }
            guard let cluster = try entry.string("cluster"), !cluster.isEmpty else {
                throw entry.error("cluster", "is required")
            }
            config.contexts[name] = Context(
                origin: Origin(file: label, key: entry.key), cluster: cluster,
                user: try entry.string("user").flatMap { $0.isEmpty ? nil : $0 },
                namespace: try entry.string("namespace").flatMap { $0.isEmpty ? nil : $0 })
        }
        return config
    }

    private static func parseCluster(_ entry: YAMLField, origin: Origin) throws -> Cluster {
        var cluster = Cluster(origin: origin)
        cluster.server = try entry.string("server")
        cluster.certificateAuthority = try entry.path("certificate-authority")
        cluster.certificateAuthorityData = try entry.base64("certificate-authority-data")
        cluster.insecureSkipTLSVerify = try entry.bool("insecure-skip-tls-verify") ?? false
        cluster.tlsServerName = try entry.string("tls-server-name").flatMap { $0.isEmpty ? nil : $0 }
        cluster.proxyURL = try entry.string("proxy-url").flatMap { $0.isEmpty ? nil : $0 }
        return cluster
    }

    private static func parseUser(_ entry: YAMLField, origin: Origin) throws -> User {
        var user = User(origin: origin)
        user.clientCertificate = try entry.path("client-certificate")
        user.clientCertificateData = try entry.base64("client-certificate-data")
        user.clientKey = try entry.path("client-key")
        user.clientKeyData = try entry.base64("client-key-data")
        user.token = try entry.string("token").flatMap { $0.isEmpty ? nil : $0 }
        user.tokenFile = try entry.path("tokenFile")
        user.username = try entry.string("username").flatMap { $0.isEmpty ? nil : $0 }
        user.password = try entry.string("password").flatMap { $0.isEmpty ? nil : $0 }
        user.hasAuthProvider = entry.child("auth-provider") != nil
        if let exec = entry.child("exec") {
            user.exec = try parseExec(exec)
        }
        return user
    }

    private static func parseExec(_ exec: YAMLField) throws -> ExecConfig {
        guard exec.node.mapping != nil else { throw exec.error(nil, "must be a mapping") }
        guard var command = try exec.string("command"), !command.isEmpty else {
            throw exec.error("command", "is required")
        }
        if command.contains("/") { command = exec.absolute(command) }  // as client-go resolves it
        guard let apiVersion = try exec.string("apiVersion"), !apiVersion.isEmpty else {
            throw exec.error("apiVersion", "is required (client.authentication.k8s.io/v1 or v1beta1)")
        }
        guard ExecCredential.supportedVersions.contains(apiVersion) else {
            throw exec.error("apiVersion", "\"\(apiVersion)\" is not supported (use client.authentication.k8s.io/v1 or v1beta1)")
        }
        let args = try exec.sequence("args").map { item in
            guard let value = item.node.scalar?.string else { throw item.error(nil, "must be a string") }
            return value
        }
        let env = try exec.sequence("env").map { item in
            guard let name = try item.string("name"), !name.isEmpty else { throw item.error("name", "is required") }
            return ExecConfig.EnvVar(name: name, value: try item.string("value") ?? "")
        }
        let mode = try exec.string("interactiveMode") ?? "IfAvailable"
        guard ["Never", "IfAvailable", "Always"].contains(mode) else {
            throw exec.error("interactiveMode", "\"\(mode)\" is not one of Never, IfAvailable, Always")
        }
        return ExecConfig(
            command: command, args: args, env: env, apiVersion: apiVersion,
            installHint: try exec.string("installHint"),
            provideClusterInfo: try exec.bool("provideClusterInfo") ?? false, interactiveMode: mode)
    }
}
