import Foundation
import Testing
@testable import KubeUpstream

/// No credential ever reaches a log line or an error message: every path that handles tokens
/// runs with a capturing logger at trace level, then every line is searched.
@Suite struct LoggingTests {
    @Test func tokensNeverAppearInLogsOrErrors() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let capture = LogCapture()
        let secrets = ["static-secret-1111", "file-secret-2222", "rotated-secret-3333", "exec-secret-4444", "client-secret-5555"]
        var errors: [String] = []

        // A static token, an override, and an unreachable server.
        let staticClient = try Fixtures.client(server, credentials: .token(SecretString(secrets[0])), logger: capture.makeLogger())
        _ = try await staticClient.send(UpstreamRequest(pathAndQuery: "/auth"))
        _ = try await staticClient.send(UpstreamRequest(pathAndQuery: "/echo", bearerTokenOverride: SecretString(secrets[4])))
        _ = try? await staticClient.send(UpstreamRequest(pathAndQuery: "/reset"))
        staticClient.shutdown()

        // A token file that rotates and is rejected, then disappears.
        let clock = ManualClock()
        let tokenFile = try server.directory.write("token", secrets[1])
        let fileClient = try Fixtures.client(server, credentials: .tokenFile(tokenFile), logger: capture.makeLogger()) {
            $0.now = clock.function
        }
        _ = try await fileClient.send(UpstreamRequest(pathAndQuery: "/auth"))
        try server.directory.write("token", secrets[2])
        try server.setValidTokens([secrets[2]])
        _ = try await fileClient.send(UpstreamRequest(pathAndQuery: "/auth"))
        try FileManager.default.removeItem(atPath: tokenFile)
        clock.advance(by: 3600)
        _ = try await fileClient.send(UpstreamRequest(pathAndQuery: "/auth"))
        fileClient.shutdown()

        // An exec plugin whose token is rejected, then a plugin that fails.
        try CredentialTests.writePlugin(in: server.directory)
        try server.directory.write("next-token", secrets[3])
        try server.directory.write("expiry", "2000-01-01T00:00:00Z")  // expired: every request runs it
        let cluster = try CredentialTests.execKubeconfig(in: server.directory, server: server.url)
        let execClient = try UpstreamClient(cluster: cluster, logger: capture.makeLogger())
        _ = try await execClient.send(UpstreamRequest(pathAndQuery: "/auth"))
        try server.directory.write("fail", "")
        do {
            _ = try await execClient.send(UpstreamRequest(pathAndQuery: "/auth"))
        } catch {
            errors.append("\(error)")
        }
        execClient.shutdown()

        let lines = capture.all
        #expect(lines.contains { $0.contains("upstream client started") })
        #expect(lines.contains { $0.contains("bearer token file changed") && $0.contains(tokenFile) })
        #expect(lines.contains { $0.contains("cannot re-read the bearer token file") })
        #expect(lines.contains { $0.contains("running the exec plugin again") })
        #expect(errors.count == 1)
        for secret in secrets {
            for line in lines + errors { #expect(!line.contains(secret), "leaked in: \(line)") }
        }
        #expect("\(SecretString(secrets[0]))" == "<redacted, 18 bytes>")
        #expect("\(CredentialSource.token(SecretString(secrets[0])))" == "static bearer token")
    }
}
