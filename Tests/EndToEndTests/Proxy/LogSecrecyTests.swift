import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Testing

/// No credential in any log line: kcache's own upstream token (from `--token-file`) and the
/// tokens clients send, at the most verbose level, through cached reads, passthrough reads and
/// writes, watches, errors and upstream faults — with either authentication mode.
@Suite struct LogSecrecyTests {
    static let upstreamToken = "upstream-token-7f3a9c51e2"
    static let clientToken = "secret-xyz"

    @Test(arguments: UpstreamForwarder.Authentication.allCases)
    func noTokenAppearsInAnyLogLine(_ authentication: UpstreamForwarder.Authentication) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-e2e-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        try Self.upstreamToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)

        let capture = LogCapture()
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 3, podsPerNamespace: 1, nodes: 1)
        try await ProxyFixture.with(seed: seed, logger: capture.logger(level: .trace), configure: { configuration, sim in
            // `kcache serve --upstream URL --token-file F`
            configuration.cluster = try ClusterConfiguration.resolve(
                ClusterOptions(upstream: sim.baseURL, tokenFile: tokenFile), environment: [:],
                homeDirectory: directory.path, serviceAccountDirectory: "/nonexistent/kcache-e2e/serviceaccount")
            configuration.authentication = authentication
            // The client's token is one the upstream knows, allowed everything: in passthrough
            // mode kcache reviews it (TokenReview, SubjectAccessReview) for every cached read.
            sim.setAuthPolicy(KubeSim.AuthPolicy(
                tokens: [Self.clientToken: KubeSim.User(name: "e2e-client")],
                rules: [KubeSim.AccessRule([.user("e2e-client")], verbs: ["*"])], enforce: false))
        }) { fixture in
            let authorization = [("Authorization", "Bearer \(Self.clientToken)")]
            let sim = fixture.sim
            var statuses: [String: Int] = [:]
            for path in [
                "/api/v1/namespaces/ns-0/configmaps", "/api/v1/namespaces/ns-0/configmaps/cm-1", "/api/v1/configmaps?limit=1",
                "/api/v1/namespaces/ns-0/configmaps/missing", "/api/v1/namespaces/ns-0/secrets", "/api/v1/pods",
                "/api", "/apis", "/version", "/api/v1/nosuchkind",
            ] {
                statuses[path] = try await fixture.get(path, headers: authorization).status
            }
            #expect(statuses["/api/v1/namespaces/ns-0/configmaps"] == 200)
            #expect(statuses["/api/v1/namespaces/ns-0/configmaps/missing"] == 404)
            #expect(statuses["/api/v1/namespaces/ns-0/secrets"] == 200)

            // Writes through kcache (and the read-your-writes wait that follows them).
            let created = try await fixture.client.send(
                "POST", fixture.url("/api/v1/namespaces/ns-0/configmaps"), json: #"{"metadata":{"name":"logged"}}"#,
                headers: authorization)
            #expect(created.status == 201)
            let deleted = try await fixture.client.request("DELETE", fixture.url("/api/v1/namespaces/ns-0/configmaps/logged"), headers: authorization)
            #expect(deleted.status == 200)
            #expect(try await fixture.get("/api/v1/namespaces/ns-0/configmaps", headers: authorization).itemNames == ["cm-0", "cm-1", "cm-2"])

            // Watches, cached and passed through.
            for path in ["/api/v1/namespaces/ns-0/configmaps?watch=true", "/api/v1/namespaces/ns-0/secrets?watch=true"] {
                let stream = try await fixture.watch(path, headers: authorization)
                #expect(stream.status == 200)
                stream.close()
            }

            // Upstream trouble: kcache's watch dropped and refused, then the upstream down.
            sim.faults.refuseWatches = true
            sim.faults.dropAllWatches()
            try await waitUntil(timeout: .seconds(60), "the reflector to report the refused watch") {
                capture.all.contains { $0.contains("503") }
            }
            sim.faults.isDown = true
            let down = try await fixture.get("/api/v1/namespaces/ns-0/secrets", headers: authorization)
            #expect(down.status == 503)
            sim.faults.reset()

            let lines = capture.all
            #expect(lines.contains { $0.contains("upstream request finished") && $0.contains("/api/v1/namespaces/ns-0/secrets") },
                    "trace logging captured the upstream requests (\(lines.count) lines)")
            for token in [Self.upstreamToken, Self.clientToken] {
                let leaks = lines.filter { $0.contains(token) }
                #expect(leaks.isEmpty, "\(token) appears in \(leaks.count) log lines: \(leaks.prefix(3))")
            }
            #expect(!lines.contains { $0.contains("Bearer ") }, "no Authorization header value is logged")
        }
    }
}
