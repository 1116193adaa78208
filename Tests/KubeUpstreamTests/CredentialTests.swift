import Foundation
import Testing
@testable import KubeUpstream

/// Token files re-read as they rotate, and exec credential plugins run, cached, and re-run on
/// expiry and after a 401 — all against the test server's `/auth` and `/echo` routes.
@Suite struct CredentialTests {
    @Test func tokenFileIsReReadAfterTheIntervalAndAfterA401() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let clock = ManualClock()
        let tokenFile = try server.directory.write("token", "one\n")
        let client = try Fixtures.client(server, credentials: .tokenFile(tokenFile)) {
            $0.tokenFileRereadInterval = .seconds(60)
            $0.now = clock.function
        }
        defer { client.shutdown() }
        func authorization() async throws -> String? {
            try Fixtures.echo(try await client.send(UpstreamRequest(pathAndQuery: "/echo"))).header("Authorization")
        }

        #expect(try await authorization() == "Bearer one")
        try server.directory.write("token", "two")
        #expect(try await authorization() == "Bearer one", "cached until the re-read interval has passed")
        clock.advance(by: 61)
        #expect(try await authorization() == "Bearer two")

        // Rotated again and the server accepts only the new token: the 401 triggers a re-read
        // and one retry, before the interval is up.
        try server.directory.write("token", "three")
        try server.setValidTokens(["three"])
        let response = try await client.send(UpstreamRequest(pathAndQuery: "/auth"))
        #expect(response.status == 200)
        #expect(server.events().suffix(2) == ["auth rejected", "auth ok three"])
    }

    @Test func unchangedTokenFileAfterA401ReturnsThe401() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let tokenFile = try server.directory.write("token", "stale")
        try server.setValidTokens(["fresh"])
        let client = try Fixtures.client(server, credentials: .tokenFile(tokenFile))
        defer { client.shutdown() }

        let response = try await client.send(UpstreamRequest(pathAndQuery: "/auth"))
        #expect(response.status == 401)
        #expect(server.events().filter { $0.hasPrefix("auth") } == ["auth rejected"], "no retry with the same token")
    }

    @Test func unreadableTokenFileIsACredentialsError() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server, credentials: .tokenFile("/nonexistent/token"))
        defer { client.shutdown() }
        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        #expect(error?.kind == .credentials)
        #expect(error?.message == "cannot read the bearer token file /nonexistent/token (No such file or directory)")
    }

    /// Writes a plugin script that counts its runs, records its environment and arguments,
    /// and prints the token in `next-token` with the expiry in `expiry`.
    static func writePlugin(in directory: TemporaryDirectory, apiVersion: String = "client.authentication.k8s.io/v1") throws {
        try directory.write("bin/plugin.sh", """
            #!/bin/sh
            dir="$(dirname "$0")/.."
            n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
            echo $n > "$dir/count"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info-$n.json"
            printf '%s' "$PLUGIN_GREETING" > "$dir/greeting-$n"
            printf '%s' "$*" > "$dir/args-$n"
            if [ -f "$dir/fail" ]; then echo "plugin broke on purpose" >&2; exit 3; fi
            printf '{"kind":"ExecCredential","apiVersion":"\(apiVersion)","status":{"token":"%s","expirationTimestamp":"%s"}}\\n' \\
              "$(cat "$dir/next-token")" "$(cat "$dir/expiry")"
            """, executable: true)
    }

    /// A kubeconfig whose user runs the plugin (a relative command) against `server`.
    static func execKubeconfig(in directory: TemporaryDirectory, server: String) throws -> ClusterConfiguration {
        let path = try directory.write("kubeconfig", """
            current-context: x
            clusters: [{name: c, cluster: {server: "\(server)"}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/plugin.sh
                  args: [get-token, --audience, kcache]
                  env: [{name: PLUGIN_GREETING, value: hello}]
                  provideClusterInfo: true
                  interactiveMode: Never
            """)
        return try ClusterConfiguration.resolve(ClusterOptions(kubeconfig: path), environment: [:])
    }

    @Test func execPluginIsCachedUntilExpiryAndGetsItsEnvironment() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let directory = server.directory
        try Self.writePlugin(in: directory)
        try directory.write("next-token", "tok-a")
        try directory.write("expiry", "2030-01-01T01:00:00Z")
        try server.setValidTokens(["tok-a", "tok-b"])
        let clock = ManualClock()  // 2030-01-01T00:00:00Z
        let cluster = try Self.execKubeconfig(in: directory, server: server.url)
        var configuration = UpstreamClient.Configuration()
        configuration.now = clock.function
        configuration.environment = ["PATH": "/usr/bin:/bin"]
        let client = try UpstreamClient(cluster: cluster, configuration: configuration, logger: .init(label: "test"))
        defer { client.shutdown() }

        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/auth")).status == 200)
        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/auth")).status == 200)
        #expect(directory.read("count") == "1\n", "cached while not expired")

        try directory.write("next-token", "tok-b")
        clock.advance(by: 3601)
        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/auth")).status == 200)
        #expect(directory.read("count") == "2\n", "re-run once expired")
        #expect(server.events().filter { $0.hasPrefix("auth") } == ["auth ok tok-a", "auth ok tok-a", "auth ok tok-b"])

        #expect(directory.read("greeting-1") == "hello")
        #expect(directory.read("args-1") == "get-token --audience kcache")
        let info = try #require(try JSONSerialization.jsonObject(
            with: Data((directory.read("exec-info-1.json") ?? "").utf8)) as? [String: Any])
        #expect(info["kind"] as? String == "ExecCredential")
        #expect(info["apiVersion"] as? String == "client.authentication.k8s.io/v1")
        let spec = try #require(info["spec"] as? [String: Any])
        #expect(spec["interactive"] as? Bool == false)
        #expect((spec["cluster"] as? [String: Any])?["server"] as? String == server.url)
    }

    @Test func execPluginIsReRunAfterA401AndTheRequestRetriedOnce() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let directory = server.directory
        try Self.writePlugin(in: directory)
        try directory.write("next-token", "tok-a")
        try directory.write("expiry", "")
        try server.setValidTokens(["tok-a"])
        let client = try UpstreamClient(
            cluster: try Self.execKubeconfig(in: directory, server: server.url), logger: .init(label: "test"))
        defer { client.shutdown() }

        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/auth")).status == 200)
        try directory.write("next-token", "tok-b")
        try server.setValidTokens(["tok-b"])
        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/auth")).status == 200)
        #expect(directory.read("count") == "2\n")
        #expect(server.events().filter { $0.hasPrefix("auth") } == ["auth ok tok-a", "auth rejected", "auth ok tok-b"])

        // A plugin that keeps issuing a rejected token: one retry, then the 401 is the answer.
        try directory.write("next-token", "tok-c")
        try server.setValidTokens(["tok-d"])
        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/auth")).status == 401)
        #expect(directory.read("count") == "3\n")
    }

    @Test func failingPluginIsACredentialsErrorWithItsStandardError() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let directory = server.directory
        try Self.writePlugin(in: directory)
        try directory.write("next-token", "unused")
        try directory.write("expiry", "")
        try directory.write("fail", "")
        let client = try UpstreamClient(
            cluster: try Self.execKubeconfig(in: directory, server: server.url), logger: .init(label: "test"))
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/auth"))
        }
        #expect(error?.kind == .credentials)
        #expect(error?.message == "exec plugin \(directory.file("bin/plugin.sh")) exited with status 3: plugin broke on purpose")
    }

    @Test func pluginAnsweringInAnotherVersionIsRefused() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let directory = server.directory
        try Self.writePlugin(in: directory, apiVersion: "client.authentication.k8s.io/v1beta1")
        try directory.write("next-token", "tok")
        try directory.write("expiry", "")
        let client = try UpstreamClient(
            cluster: try Self.execKubeconfig(in: directory, server: server.url), logger: .init(label: "test"))
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/auth"))
        }
        #expect(error?.message.hasSuffix("output apiVersion \"client.authentication.k8s.io/v1beta1\" does not match the configured \"client.authentication.k8s.io/v1\"") == true)
    }

    @Test(arguments: [
        (#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"C"}}"#,
         "status.clientCertificateData and status.clientKeyData must come together"),
        (#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{}}"#,
         "status has neither a token nor a client certificate"),
        (#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"}"#, "output has no status"),
        (#"{"kind":"Other","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}}"#,
         "output kind is \"Other\", want \"ExecCredential\""),
        (#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t","expirationTimestamp":"tomorrow"}}"#,
         "status.expirationTimestamp \"tomorrow\" is not an RFC 3339 time"),
        ("token: not json", "its output is not an ExecCredential JSON object"),
    ])
    func invalidPluginOutput(output: String, message: String) {
        let error = #expect(throws: UpstreamError.self) {
            _ = try ExecCredential.parse(Array(output.utf8), config: ExecConfig(command: "p"))
        }
        #expect(error?.message == "exec plugin p: \(message)")
        #expect(error?.message.contains("\"t\"") == false, "the output's token is never quoted")
    }

    @Test func pluginOutputWithClientCertificateAndFractionalExpiry() throws {
        let output = #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"CERT","clientKeyData":"KEY","expirationTimestamp":"2030-01-01T00:00:00.5Z"}}"#
        let status = try ExecCredential.parse(Array(output.utf8), config: ExecConfig(command: "p"))
        #expect(status.token == nil)
        #expect(status.clientCertificate == Array("CERT".utf8))
        #expect(status.clientKey?.bytes == Array("KEY".utf8))
        #expect(status.expiration == Date(timeIntervalSince1970: 1_893_456_000.5))
    }
}
