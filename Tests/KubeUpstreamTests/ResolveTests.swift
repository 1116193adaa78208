import Foundation
import Testing
@testable import KubeUpstream

/// `ClusterConfiguration.resolve`: flags, `$KUBECONFIG` (merged), in-cluster, `~/.kube/config`,
/// and the error when nothing is found, with environment, home and service account directory
/// injected.
@Suite struct ResolveTests {
    /// A temp "world": a home directory, a service account directory and kubeconfig files.
    struct World {
        let root: TemporaryDirectory
        var home: String { root.file("home") }
        var serviceAccount: String { root.file("sa") }

        init() throws {
            root = try TemporaryDirectory()
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        }

        @discardableResult
        func kubeconfig(_ name: String, server: String, context: String = "ctx", current: Bool = true, cluster: String = "c") throws -> String {
            try root.write(name, """
                \(current ? "current-context: \(context)" : "")
                clusters: [{name: \(cluster), cluster: {server: "\(server)"}}]
                contexts: [{name: \(context), context: {cluster: \(cluster)}}]
                """)
        }

        func serviceAccountFiles(token: Bool = true, ca: Bool = true) throws {
            try FileManager.default.createDirectory(atPath: serviceAccount, withIntermediateDirectories: true)
            if token { try root.write("sa/token", "sa-token\n") }
            if ca { try root.write("sa/ca.crt", "CA") }
            try root.write("sa/namespace", "kube-system")
        }

        func resolve(_ options: ClusterOptions = ClusterOptions(), _ environment: [String: String] = [:]) throws -> ClusterConfiguration {
            try ClusterConfiguration.resolve(
                options, environment: environment, homeDirectory: home, serviceAccountDirectory: serviceAccount)
        }

        static let inCluster = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
    }

    @Test func upstreamFlags() throws {
        let world = try World()
        defer { world.root.remove() }
        let token = try world.root.write("token", "t")
        let ca = try world.root.write("ca.crt", "CA")
        let configuration = try world.resolve(
            ClusterOptions(upstream: "https://10.0.0.1:6443/", tokenFile: token, certificateAuthority: ca), World.inCluster)
        #expect(configuration == ClusterConfiguration(
            server: "https://10.0.0.1:6443", tls: TLSSettings(certificateAuthority: .file(ca)),
            credentials: .tokenFile(token), origin: "--upstream flag"))
    }

    @Test(arguments: [
        (ClusterOptions(upstream: "https://h", clientCertificate: "/c"), "--client-key: is required with --client-certificate"),
        (ClusterOptions(upstream: "https://h", clientKey: "/k"), "--client-certificate: is required with --client-key"),
        (ClusterOptions(upstream: "https://h", kubeconfig: "/k"), "--kubeconfig: cannot be combined with --upstream and its TLS or token flags"),
        (ClusterOptions(tokenFile: "/t"), "--upstream: is required with --token-file, --certificate-authority, --client-certificate, --client-key and --insecure-skip-tls-verify"),
        (ClusterOptions(upstream: "h:6443"), "--upstream: \"h:6443\" is not an http(s) URL with a host"),
        (ClusterOptions(upstream: "https://h", tokenFile: "/nonexistent/token"), "--token-file: cannot read /nonexistent/token (No such file or directory)"),
        (ClusterOptions(upstream: "https://h", certificateAuthority: "/nonexistent/ca", insecureSkipTLSVerify: true), "--insecure-skip-tls-verify: cannot be combined with --certificate-authority"),
    ])
    func invalidFlags(options: ClusterOptions, message: String) throws {
        let world = try World()
        defer { world.root.remove() }
        let error = #expect(throws: ConfigurationError.self) { _ = try world.resolve(options) }
        #expect(error?.description == message)
    }

    @Test func kubeconfigListIsMergedFirstDefinitionWinning() throws {
        let world = try World()
        defer { world.root.remove() }
        let first = try world.kubeconfig("a.yaml", server: "https://first", context: "one")
        // Redefines cluster "c" (ignored: the first file wins) and adds context "two".
        let second = try world.kubeconfig("b.yaml", server: "https://second", context: "two")
        try world.kubeconfig("home/.kube/config", server: "https://home")
        let list = "\(world.root.file("missing.yaml")):\(first):\(second)"
        let environment = World.inCluster.merging(["KUBECONFIG": list]) { $1 }

        let current = try world.resolve(ClusterOptions(), environment)
        #expect(current.server == "https://first")
        #expect(current.origin == "$KUBECONFIG (kubeconfig \(first), kubeconfig \(second)), context \"one\"")
        let two = try world.resolve(ClusterOptions(context: "two"), environment)
        #expect(two.server == "https://first", "cluster c comes from the first file")
    }

    @Test func kubeconfigListWithoutExistingFilesIsAnError() throws {
        let world = try World()
        defer { world.root.remove() }
        let error = #expect(throws: ConfigurationError.self) {
            _ = try world.resolve(ClusterOptions(), ["KUBECONFIG": "/no/a:/no/b"])
        }
        #expect(error?.description == "$KUBECONFIG: none of its files exist (/no/a, /no/b)")
    }

    @Test func inClusterBeatsHomeConfig() throws {
        let world = try World()
        defer { world.root.remove() }
        try world.serviceAccountFiles()
        try world.kubeconfig("home/.kube/config", server: "https://home")
        let configuration = try world.resolve(ClusterOptions(), World.inCluster)
        #expect(configuration == ClusterConfiguration(
            server: "https://10.96.0.1:443",
            tls: TLSSettings(certificateAuthority: .file(world.root.file("sa/ca.crt"))),
            credentials: .tokenFile(world.root.file("sa/token")), namespace: "kube-system",
            origin: "in-cluster service account (\(world.serviceAccount))"))
    }

    @Test func inClusterIPv6HostAndNoCA() throws {
        let world = try World()
        defer { world.root.remove() }
        try world.serviceAccountFiles(ca: false)
        let configuration = try world.resolve(
            ClusterOptions(), ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"])
        #expect(configuration.server == "https://[fd00::1]:6443")
        #expect(configuration.tls.certificateAuthority == nil)
    }

    @Test func inClusterWithoutTokenNamesTheFile() throws {
        let world = try World()
        defer { world.root.remove() }
        try world.serviceAccountFiles(token: false)
        let error = #expect(throws: ConfigurationError.self) { _ = try world.resolve(ClusterOptions(), World.inCluster) }
        #expect(error?.description == "in-cluster service account \(world.serviceAccount): token: cannot read \(world.serviceAccount)/token (No such file or directory)")
    }

    @Test func contextFlagSkipsInCluster() throws {
        let world = try World()
        defer { world.root.remove() }
        try world.serviceAccountFiles()
        try world.kubeconfig("home/.kube/config", server: "https://home", context: "dev", current: false)
        let configuration = try world.resolve(ClusterOptions(context: "dev"), World.inCluster)
        #expect(configuration.server == "https://home")
    }

    @Test func homeConfigIsTheLastResort() throws {
        let world = try World()
        defer { world.root.remove() }
        try world.kubeconfig("home/.kube/config", server: "https://home")
        #expect(try world.resolve().server == "https://home")
    }

    @Test func nothingFoundListsWhatWasTried() throws {
        let world = try World()
        defer { world.root.remove() }
        let error = #expect(throws: ConfigurationError.self) { _ = try world.resolve() }
        #expect(error?.description == """
            no upstream API server configured; tried --upstream and --kubeconfig (not given), $KUBECONFIG (not set), \
            in-cluster service account (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT not set), \
            \(world.home)/.kube/config (not found). Pass --upstream URL or --kubeconfig FILE
            """)
    }
}
