import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// HTTPS serving with certificates made by `openssl`, checked with `curl`; skipped with a
/// printed reason when either tool is missing.
@Suite(.serialized) struct TLSTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL) async throws -> (status: Int32, out: String) {
        let result = try await ProcessRunner.run(tool, arguments, currentDirectory: directory.path)
        return (result.status, result.standardOutput + result.standardError)
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, in a fresh directory.
    static func makeCertificates(openssl: String) async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(to: directory.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=kubesim-ca"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "san.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=tester/O=system:masters"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "1"],
        ]
        for step in steps {
            let result = try await run(openssl, step, in: directory)
            guard result.status == 0 else { throw ToolFailure(message: "openssl \(step.joined(separator: " ")): \(result.out)") }
        }
        return directory
    }

    @Test func servesHTTPSAndRequiresClientCertificatesWhenAsked() async throws {
        guard let openssl = Self.tool("openssl"), let curl = Self.tool("curl") else {
            print("TLSTests: skipping, openssl or curl is not installed")
            return
        }
        let directory = try await Self.makeCertificates(openssl: openssl)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        var configuration = KubeSim.Configuration()
        configuration.tls = KubeSim.TLS(certificateChainPath: path("server.crt"), privateKeyPath: path("server.key"))
        let sim = KubeSim(configuration: configuration)
        try sim.seed(SeedPlan(namespaces: 2, configMapsPerNamespace: 0, podsPerNamespace: 0))
        try await withServer(sim) { sim in
            #expect(sim.baseURL.hasPrefix("https://127.0.0.1:"))
            let result = try await Self.run(curl, ["-sS", "--cacert", path("ca.crt"), sim.baseURL + "/api/v1/namespaces"], in: directory)
            #expect(result.status == 0, "\(result.out)")
            #expect(result.out.contains(#""kind":"NamespaceList""#))
            let plain = try await Self.run(curl, ["-sS", "http://127.0.0.1:\(sim.port)/api/v1/namespaces"], in: directory)
            #expect(!plain.out.contains("NamespaceList"))
        }

        configuration.tls?.clientCAPath = path("ca.crt")
        let strict = KubeSim(configuration: configuration)
        try await withServer(strict) { sim in
            let anonymous = try await Self.run(curl, ["-sS", "--cacert", path("ca.crt"), sim.baseURL + "/version"], in: directory)
            #expect(anonymous.status != 0, "no client certificate: handshake refused")
            let authenticated = try await Self.run(
                curl, ["-sS", "--cacert", path("ca.crt"), "--cert", path("client.crt"), "--key", path("client.key"), sim.baseURL + "/version"],
                in: directory)
            #expect(authenticated.status == 0, "\(authenticated.out)")
            #expect(authenticated.out.contains(#""major":"1""#))
        }
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Plain-HTTP behaviour that only a real client shows: curl's `Expect: 100-continue` uploads.
@Suite struct CurlTests {
    @Test func largeUploadWithExpectContinueGetsAnImmediate100() async throws {
        guard let curl = TLSTests.tool("curl") else {
            print("CurlTests: skipping, curl is not installed")
            return
        }
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0)) { fixture in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-curl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let body = #"{"metadata":{"name":"big"},"data":{"x":"\#(String(repeating: "y", count: 1_500_000))"}}"#
            try body.write(to: directory.appendingPathComponent("body.json"), atomically: true, encoding: .utf8)
            let result = try await ProcessRunner.run(curl, [
                "-sS", "-v", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "-H", "Expect: 100-continue",
                "--data-binary", "@body.json", fixture.url("/api/v1/namespaces/ns-0/configmaps"),
            ], currentDirectory: directory.path)
            #expect(result.standardOutput == "201", "\(result.standardError)")
            #expect(result.standardError.contains("< HTTP/1.1 100 Continue"), "\(result.standardError)")

            // Too large: refused before the body is sent.
            let huge = #"{"metadata":{"name":"huge"},"data":{"x":"\#(String(repeating: "y", count: 3_200_000))"}}"#
            try huge.write(to: directory.appendingPathComponent("huge.json"), atomically: true, encoding: .utf8)
            let refused = try await ProcessRunner.run(curl, [
                "-sS", "-v", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "-H", "Expect: 100-continue",
                "--data-binary", "@huge.json", fixture.url("/api/v1/namespaces/ns-0/configmaps"),
            ], currentDirectory: directory.path)
            #expect(refused.standardOutput == "413", "\(refused.standardError)")
            #expect(!refused.standardError.contains("100 Continue"))
        }
    }
}
