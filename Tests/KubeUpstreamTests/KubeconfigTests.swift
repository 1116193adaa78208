import Foundation
import Testing
@testable import KubeUpstream

/// Kubeconfig parsing and context resolution: valid files give the expected configuration,
/// invalid ones an error naming the file and the key.
@Suite struct KubeconfigTests {
    /// Writes `yaml` (with `$DIR` replaced by the temp directory) as `config` and resolves it.
    private func resolve(_ yaml: String, context: String? = nil, in directory: TemporaryDirectory) throws -> ClusterConfiguration {
        let path = try directory.write("config", yaml.replacingOccurrences(of: "$DIR", with: directory.path))
        return try ClusterConfiguration.resolve(
            ClusterOptions(kubeconfig: path, context: context), environment: [:], homeDirectory: directory.path)
    }

    @Test func tokenUserAndServer() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try resolve("""
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: c
              cluster:
                server: https://api.example.com:6443/
                tls-server-name: kube.internal
                proxy-url: http://proxy:3128
            users:
            - name: u
              user:
                token: 012345
            contexts:
            - name: dev
              context: {cluster: c, user: u, namespace: team-a}
            """, in: directory)
        #expect(configuration.server == "https://api.example.com:6443")
        #expect(configuration.credentials == .token(SecretString("012345")), "a numeric-looking token stays a string")
        #expect(configuration.tls.serverName == "kube.internal")
        #expect(configuration.proxyURL == "http://proxy:3128")
        #expect(configuration.namespace == "team-a")
        #expect(configuration.origin == "kubeconfig \(directory.file("config")), context \"dev\"")
    }

    @Test func relativePathsResolveAgainstTheKubeconfigDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["pki/ca.crt", "pki/client.crt", "pki/client.key", "token"] { try directory.write(name, "x") }
        let configuration = try resolve("""
            current-context: dev
            clusters:
            - name: c
              cluster: {server: "https://h", certificate-authority: pki/ca.crt}
            users:
            - name: u
              user: {client-certificate: pki/client.crt, client-key: "$DIR/pki/client.key", tokenFile: token}
            contexts:
            - name: dev
              context: {cluster: c, user: u}
            """, in: directory)
        #expect(configuration.tls.certificateAuthority == .file(directory.file("pki/ca.crt")))
        #expect(configuration.tls.clientCertificate == .file(directory.file("pki/client.crt")))
        #expect(configuration.tls.clientKey == .file(directory.file("pki/client.key")))
        #expect(configuration.credentials == .tokenFile(directory.file("token")))
    }

    @Test func dataFieldsAreBase64DecodedAndContextFlagWins() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ca = Data("CA PEM".utf8).base64EncodedString()
        let certificate = Data("CERT PEM".utf8).base64EncodedString()
        let key = Data("KEY PEM".utf8).base64EncodedString()
        let configuration = try resolve("""
            current-context: one
            clusters:
            - {name: first, cluster: {server: "https://first"}}
            - name: second
              cluster:
                server: https://second
                certificate-authority-data: \(ca)
            users:
            - name: admin
              user:
                client-certificate-data: \(certificate)
                client-key-data: |
                  \(key)
            contexts:
            - {name: one, context: {cluster: first}}
            - {name: two, context: {cluster: second, user: admin}}
            """, context: "two", in: directory)
        #expect(configuration.server == "https://second")
        #expect(configuration.tls.certificateAuthority == .data(Array("CA PEM".utf8)))
        #expect(configuration.tls.clientCertificate == .data(Array("CERT PEM".utf8)))
        #expect(configuration.tls.clientKey == .data(Array("KEY PEM".utf8)))
        #expect(configuration.credentials == .none)
    }

    @Test func execPluginWithClusterInfo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ca = Data("CA".utf8).base64EncodedString()
        let configuration = try resolve("""
            {"current-context": "x",
             "clusters": [{"name": "c", "cluster": {"server": "https://h:1", "certificate-authority-data": "\(ca)"}}],
             "users": [{"name": "u", "user": {"exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "./bin/plugin",
                "args": ["get-token", "--cluster", "c"], "env": [{"name": "A", "value": "1"}, {"name": "B", "value": null}],
                "provideClusterInfo": true, "interactiveMode": "Never", "installHint": "install it"}}}],
             "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}]}
            """, in: directory)
        let expected = ExecConfig(
            command: directory.file("bin/plugin"), args: ["get-token", "--cluster", "c"],
            env: [.init(name: "A", value: "1"), .init(name: "B", value: "")],
            apiVersion: "client.authentication.k8s.io/v1beta1", installHint: "install it", provideClusterInfo: true,
            interactiveMode: "Never",
            cluster: .init(server: "https://h:1", certificateAuthorityData: Array("CA".utf8)))
        #expect(configuration.credentials == .exec(expected))
    }

    @Test func basicAuth() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try resolve("""
            current-context: x
            clusters: [{name: c, cluster: {server: "http://h"}}]
            users: [{name: u, user: {username: admin, password: hunter2}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """, in: directory)
        #expect(configuration.credentials == .basic(username: "admin", password: SecretString("hunter2")))
    }

    /// An invalid kubeconfig and the exact error text it must give (`$FILE`: the file's label).
    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var context: String?
        var error: String
        var testDescription: String { name }
    }

    static let cluster = "clusters: [{name: c, cluster: {server: \"https://h\"}}]"
    static let contextCU = "contexts: [{name: x, context: {cluster: c, user: u}}]"

    static let invalid: [Invalid] = [
        Invalid(name: "missing server", yaml: """
            current-context: x
            clusters: [{name: c, cluster: {insecure-skip-tls-verify: true}}]
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: clusters[\"c\"].cluster.server: is required"),
        Invalid(name: "server not a URL", yaml: """
            current-context: x
            clusters: [{name: c, cluster: {server: "ftp://h"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: clusters[\"c\"].cluster.server: \"ftp://h\" is not an http(s) URL with a host"),
        Invalid(name: "unknown cluster", yaml: """
            current-context: x
            \(cluster)
            contexts: [{name: x, context: {cluster: nope}}]
            """, error: "$FILE: contexts[\"x\"].context.cluster: no cluster named \"nope\""),
        Invalid(name: "unknown user", yaml: """
            current-context: x
            \(cluster)
            \(contextCU)
            """, error: "$FILE: contexts[\"x\"].context.user: no user named \"u\""),
        Invalid(name: "no current context", yaml: """
            \(cluster)
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: current-context: is not set and no --context was given"),
        Invalid(name: "unknown --context", yaml: """
            current-context: x
            \(cluster)
            contexts: [{name: x, context: {cluster: c}}, {name: y, context: {cluster: c}}]
            """, context: "zzz", error: "$FILE: --context: no context named \"zzz\" (contexts: \"x\", \"y\")"),
        Invalid(name: "bad base64", yaml: """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: "%%%"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: clusters[\"c\"].cluster.certificate-authority-data: is not valid base64"),
        Invalid(name: "missing CA file", yaml: """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h", certificate-authority: missing.crt}}]
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: clusters[\"c\"].cluster.certificate-authority: cannot read $DIR/missing.crt (No such file or directory)"),
        Invalid(name: "CA file and data", yaml: """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h", certificate-authority: config, certificate-authority-data: QQ==}}]
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: clusters[\"c\"].cluster.certificate-authority-data: cannot be combined with certificate-authority"),
        Invalid(name: "CA with insecure", yaml: """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: QQ==, insecure-skip-tls-verify: true}}]
            contexts: [{name: x, context: {cluster: c}}]
            """, error: "$FILE: clusters[\"c\"].cluster.insecure-skip-tls-verify: cannot be combined with a certificate authority"),
        Invalid(name: "certificate without key", yaml: """
            current-context: x
            \(cluster)
            users: [{name: u, user: {client-certificate-data: QQ==}}]
            \(contextCU)
            """, error: "$FILE: users[\"u\"].user.client-key: is required with client-certificate"),
        Invalid(name: "token and basic auth", yaml: """
            current-context: x
            \(cluster)
            users: [{name: u, user: {token: t, username: a, password: b}}]
            \(contextCU)
            """, error: "$FILE: users[\"u\"].user: more than one authentication method (token and username/password); only one is allowed"),
        Invalid(name: "exec without command", yaml: """
            current-context: x
            \(cluster)
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1}}}]
            \(contextCU)
            """, error: "$FILE: users[\"u\"].user.exec.command: is required"),
        Invalid(name: "exec with old apiVersion", yaml: """
            current-context: x
            \(cluster)
            users: [{name: u, user: {exec: {command: p, apiVersion: client.authentication.k8s.io/v1alpha1}}}]
            \(contextCU)
            """, error: "$FILE: users[\"u\"].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported (use client.authentication.k8s.io/v1 or v1beta1)"),
        Invalid(name: "exec and token", yaml: """
            current-context: x
            \(cluster)
            users: [{name: u, user: {token: t, exec: {command: p, apiVersion: client.authentication.k8s.io/v1}}}]
            \(contextCU)
            """, error: "$FILE: users[\"u\"].user.exec: cannot be combined with a token"),
        Invalid(name: "auth-provider", yaml: """
            current-context: x
            \(cluster)
            users: [{name: u, user: {auth-provider: {name: gcp}}}]
            \(contextCU)
            """, error: "$FILE: users[\"u\"].user.auth-provider: auth-provider plugins are not supported; use an exec credential plugin"),
        Invalid(name: "entry without name", yaml: """
            clusters: [{cluster: {server: "https://h"}}]
            """, error: "$FILE: clusters[0].name: is required"),
        Invalid(name: "entry without body", yaml: """
            users: [{name: u}]
            """, error: "$FILE: users[\"u\"].user: is required"),
        Invalid(name: "bad boolean", yaml: """
            clusters: [{name: c, cluster: {server: "https://h", insecure-skip-tls-verify: maybe}}]
            """, error: "$FILE: clusters[\"c\"].cluster.insecure-skip-tls-verify: \"maybe\" is not true or false"),
        Invalid(name: "clusters not a list", yaml: """
            clusters: {c: 1}
            """, error: "$FILE: clusters: must be a list"),
        Invalid(name: "not a mapping", yaml: "- a\n- b\n", error: "$FILE: the top level must be a mapping"),
    ]

    @Test(arguments: invalid)
    func invalidKubeconfigNamesFileAndKey(_ example: Invalid) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: ConfigurationError.self) {
            _ = try resolve(example.yaml, context: example.context, in: directory)
        }
        let expected = example.error
            .replacingOccurrences(of: "$FILE", with: "kubeconfig \(directory.file("config"))")
            .replacingOccurrences(of: "$DIR", with: directory.path)
        #expect(error?.description == expected)
    }

    @Test func invalidYAMLNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: ConfigurationError.self) {
            _ = try resolve("clusters: [unclosed\n", in: directory)
        }
        #expect(error?.description.hasPrefix("kubeconfig \(directory.file("config")): not valid YAML: ") == true)
    }

    @Test func missingKubeconfigFile() throws {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try ClusterConfiguration.resolve(ClusterOptions(kubeconfig: "/nonexistent/kubeconfig"), environment: [:])
        }
        #expect(error?.description == "kubeconfig /nonexistent/kubeconfig: cannot read the file (No such file or directory)")
    }
}
