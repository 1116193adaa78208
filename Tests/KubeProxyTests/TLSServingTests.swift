import Foundation
import KubeProxy
import KubeTestSupport
import Testing

/// kcache serving HTTPS (`--tls-cert-file`, `--tls-private-key-file`) with a CA and
/// certificates made by `openssl` in a temporary directory; clients are curl and Python's
/// `ssl` module, each verifying against the CA. Skipped, with a printed reason, when openssl
/// or curl is missing.
@Suite(.serialized) struct TLSServingTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Certificates {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    }

    /// A CA, a server certificate for 127.0.0.1/localhost signed by it, and a client
    /// certificate signed by it.
    static func makeCertificates(openssl: String) async throws -> Certificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
            to: directory.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=kcache-test-ca"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
             "-days", "1", "-extfile", "san.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=alice/O=team-a"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "1"],
        ]
        for step in steps {
            let result = try await ProcessRunner.run(openssl, step, currentDirectory: directory.path)
            guard result.status == 0 else {
                throw TLSSetupFailure(message: "openssl \(step.joined(separator: " ")): \(result.standardError)")
            }
        }
        return Certificates(directory: directory)
    }

    struct TLSSetupFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Runs `body` with kcache serving HTTPS in `--auth passthrough` mode.
    static func withHTTPS(_ body: (AuthorizationFixture, Certificates, String) async throws -> Void) async throws {
        guard let openssl = tool("openssl"), let curl = tool("curl") else {
            print("TLSServingTests: skipping, openssl or curl is not installed")
            return
        }
        let certificates = try await makeCertificates(openssl: openssl)
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        var options = AuthorizationFixture.Options()
        options.tls = try TLSServing.context(
            certificateFile: certificates.path("server.crt"), privateKeyFile: certificates.path("server.key"))
        try await AuthorizationFixture.with(options) { fixture in
            #expect(fixture.baseURL.hasPrefix("https://127.0.0.1:"))
            try await body(fixture, certificates, curl)
        }
    }

    @Test func curlTrustingTheCAGetsACachedList() async throws {
        try await Self.withHTTPS { fixture, certificates, curl in
            let url = fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps"
            let trusted = try await ProcessRunner.run(curl, [
                "-sS", "-D", "-", "--cacert", certificates.path("ca.crt"), "-H", "Authorization: Bearer \(AuthorizationFixture.aliceToken)", url,
            ])
            #expect(trusted.status == 0, "\(trusted.standardError)")
            #expect(trusted.standardOutput.hasPrefix("HTTP/1.1 200"), "\(trusted.standardOutput)")
            #expect(trusted.standardOutput.lowercased().contains("x-kcache-source: cache"))
            #expect(trusted.standardOutput.contains(#""kind":"ConfigMapList""#))
            #expect(trusted.standardOutput.contains(#""name":"cm-2""#))

            // Not trusting the CA: the handshake fails (curl's 60: peer certificate cannot be
            // authenticated with known CA certificates), and nothing is read.
            let untrusted = try await ProcessRunner.run(curl, ["-sS", "-H", "Authorization: Bearer \(AuthorizationFixture.aliceToken)", url])
            #expect(untrusted.status == 60, "\(untrusted.standardError)")
            #expect(!untrusted.standardOutput.contains("ConfigMapList"))

            // Plain HTTP on the TLS port gets no answer.
            let plain = try await ProcessRunner.run(curl, ["-sS", "-m", "10", url.replacingOccurrences(of: "https://", with: "http://")])
            #expect(plain.status != 0)
            #expect(!plain.standardOutput.contains("ConfigMapList"))
        }
    }

    /// The Python client's TLS (the `ssl` module under urllib3): verifies against the CA,
    /// refuses without it.
    @Test func pythonVerifyingAgainstTheCAGetsACachedList() async throws {
        guard let python = Self.tool("python3") else {
            print("TLSServingTests: skipping the Python check, python3 is not installed")
            return
        }
        try await Self.withHTTPS { fixture, certificates, _ in
            let script = """
                import json, ssl, sys, urllib.request
                url, token, ca = sys.argv[1], sys.argv[2], sys.argv[3]
                request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
                with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=ca)) as response:
                    body = json.load(response)
                    print(response.headers["X-Kcache-Source"], body["kind"], len(body["items"]))
                try:
                    urllib.request.urlopen(request, context=ssl.create_default_context())
                    print("untrusted: accepted")
                except Exception as error:
                    print("untrusted: refused", "CERTIFICATE_VERIFY_FAILED" in str(error))
                """
            let result = try await ProcessRunner.run(python, [
                "-c", script, fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps", AuthorizationFixture.aliceToken,
                certificates.path("ca.crt"),
            ])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "cache ConfigMapList 3\nuntrusted: refused True\n")
        }
    }

    /// A client that authenticates with a certificate only: kcache cannot forward it, and says
    /// so with a 401 Status, for cached reads and for passthrough alike.
    @Test func clientCertificateOnlyRequestGetsUnauthorized() async throws {
        try await Self.withHTTPS { fixture, certificates, curl in
            let common = ["-sS", "-w", "\n%{http_code}", "--cacert", certificates.path("ca.crt"),
                          "--cert", certificates.path("client.crt"), "--key", certificates.path("client.key")]
            for (method, path) in [("GET", "/api/v1/namespaces/ns-0/configmaps"), ("POST", "/api/v1/namespaces/ns-0/configmaps")] {
                var arguments = common + ["-X", method]
                if method == "POST" { arguments += ["-H", "Content-Type: application/json", "--data", #"{"metadata":{"name":"x"}}"#] }
                let result = try await ProcessRunner.run(curl, arguments + [fixture.baseURL + path])
                #expect(result.status == 0, "\(result.standardError)")
                let lines = result.standardOutput.split(separator: "\n")
                #expect(lines.last == "401", "\(method): \(result.standardOutput)")
                let status = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any] ?? [:]
                #expect(status["kind"] as? String == "Status")
                #expect(status["reason"] as? String == "Unauthorized")
                #expect((status["message"] as? String)?.contains("client certificates and other credentials cannot be forwarded") == true)
            }
            #expect(fixture.sim.requestCount(user: "alice", verb: "create", resource: "configmaps") == 0)
        }
    }

    @Test func missingCertificateFilesFailClearly() {
        #expect(throws: (any Error).self) {
            try TLSServing.context(certificateFile: "/nonexistent/tls.crt", privateKeyFile: "/nonexistent/tls.key")
        }
    }
}
