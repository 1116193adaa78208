import Foundation
import Testing
@testable import KubeUpstream

/// TLS against a Python `ssl` server that requires a client certificate signed by the test CA:
/// the right CA and certificate succeed (files or inline data), a missing certificate or a
/// wrong CA fail, insecure-skip-verify and tls-server-name behave as in client-go.
@Suite struct TLSTests {
    private func tlsServer(_ certificates: TestCertificates, requireClientCertificate: Bool = true) async throws -> TestServer {
        try await TestServer(tls: .init(
            certificate: certificates.serverCertificate, key: certificates.serverKey,
            clientCA: requireClientCertificate ? certificates.caCertificate : nil))
    }

    private func client(_ server: String, _ tls: TLSSettings) throws -> UpstreamClient {
        try UpstreamClient(cluster: ClusterConfiguration(server: server, tls: tls), logger: .init(label: "test"))
    }

    @Test func rightCAAndClientCertificateFilesSucceed() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates)
        defer { server.stop() }
        let client = try client("https://localhost:\(server.port)", TLSSettings(
            certificateAuthority: .file(certificates.caCertificate),
            clientCertificate: .file(certificates.clientCertificate), clientKey: .file(certificates.clientKey)))
        defer { client.shutdown() }

        let response = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        #expect(response.status == 200)
        #expect(try Fixtures.echo(response).method == "GET")
    }

    @Test func inlineDataFromAKubeconfigSucceeds() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("config", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://localhost:\(server.port)", certificate-authority-data: \(try certificates.base64(certificates.caCertificate))}}]
            users: [{name: u, user: {client-certificate-data: \(try certificates.base64(certificates.clientCertificate)), client-key-data: \(try certificates.base64(certificates.clientKey))}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let cluster = try ClusterConfiguration.resolve(ClusterOptions(kubeconfig: path), environment: [:])
        guard case .data = cluster.tls.clientKey else { Issue.record("expected inline key data"); return }
        let client = try UpstreamClient(cluster: cluster, logger: .init(label: "test"))
        defer { client.shutdown() }

        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/echo")).status == 200)
    }

    @Test func missingClientCertificateFails() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates)
        defer { server.stop() }
        let client = try client("https://localhost:\(server.port)", TLSSettings(
            certificateAuthority: .file(certificates.caCertificate)))
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        // TLS 1.3 reports the server's "certificate required" alert on the first read, or, when
        // the server has already closed, as a reset: the server's own log is the proof.
        #expect(error?.kind == .tls || error?.kind == .transport)
        try await waitUntil("the server to refuse the handshake") {
            server.events().contains { $0.hasPrefix("tls-fail") }
        }
    }

    @Test func wrongCAFailsVerification() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates)
        defer { server.stop() }
        let client = try client("https://localhost:\(server.port)", TLSSettings(
            certificateAuthority: .file(certificates.otherCACertificate),
            clientCertificate: .file(certificates.clientCertificate), clientKey: .file(certificates.clientKey)))
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        #expect(error?.kind == .tls)
        #expect(error?.curlCode == 60)
        #expect(error?.message.contains("certificate") == true, "\(String(describing: error))")
    }

    @Test func wrongCAAsInlineDataFailsToo() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates, requireClientCertificate: false)
        defer { server.stop() }
        let otherCA = try [UInt8](Data(contentsOf: URL(fileURLWithPath: certificates.otherCACertificate)))
        let client = try client("https://localhost:\(server.port)", TLSSettings(certificateAuthority: .data(otherCA)))
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        #expect(error?.curlCode == 60)
    }

    @Test func insecureSkipVerifyAcceptsAnUnknownCA() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates)
        defer { server.stop() }
        let client = try client("https://127.0.0.1:\(server.port)", TLSSettings(
            clientCertificate: .file(certificates.clientCertificate), clientKey: .file(certificates.clientKey),
            insecureSkipVerify: true))
        defer { client.shutdown() }

        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/echo")).status == 200)
    }

    /// The certificate names `kube.test` and `localhost`, not 127.0.0.1: connecting by address
    /// verifies only when `tls-server-name` supplies the name, which is also sent as SNI.
    @Test func tlsServerNameIsUsedForVerificationAndSNI() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates, requireClientCertificate: false)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)"

        let plain = try client(url, TLSSettings(certificateAuthority: .file(certificates.caCertificate)))
        defer { plain.shutdown() }
        let error = await #expect(throws: UpstreamError.self) {
            _ = try await plain.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        #expect(error?.kind == .tls)

        let named = try client(url, TLSSettings(certificateAuthority: .file(certificates.caCertificate), serverName: "kube.test"))
        defer { named.shutdown() }
        #expect(try await named.send(UpstreamRequest(pathAndQuery: "/echo")).status == 200)
        #expect(server.events().contains("sni kube.test"))
    }

    @Test func bearerTokenOverrideDoesNotPresentKcacheCertificate() async throws {
        let certificates = try TestCertificates.get()
        let server = try await TestServer(tls: .init(
            certificate: certificates.serverCertificate, key: certificates.serverKey,
            clientCA: certificates.caCertificate, clientCertificateOptional: true))
        defer { server.stop() }
        let client = try client("https://localhost:\(server.port)", TLSSettings(
            certificateAuthority: .file(certificates.caCertificate),
            clientCertificate: .file(certificates.clientCertificate), clientKey: .file(certificates.clientKey)))
        defer { client.shutdown() }

        let own = try Fixtures.echo(try await client.send(UpstreamRequest(pathAndQuery: "/echo")))
        #expect(own.client_certificate)
        let passthrough = try Fixtures.echo(try await client.send(UpstreamRequest(
            pathAndQuery: "/echo", bearerTokenOverride: SecretString("client-token"))))
        #expect(!passthrough.client_certificate)
        #expect(passthrough.header("Authorization") == "Bearer client-token")
        #expect(passthrough.client_port != own.client_port, "a connection without the certificate")
    }

    @Test func execPluginClientCertificateIsUsed() async throws {
        let certificates = try TestCertificates.get()
        let server = try await tlsServer(certificates)
        defer { server.stop() }
        let directory = server.directory
        let json = try JSONSerialization.data(withJSONObject: [
            "kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1",
            "status": [
                "clientCertificateData": try String(contentsOfFile: certificates.clientCertificate, encoding: .utf8),
                "clientKeyData": try String(contentsOfFile: certificates.clientKey, encoding: .utf8),
            ],
        ])
        try directory.write("credential.json", String(decoding: json, as: UTF8.self))
        let plugin = try directory.write("plugin.sh", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n", executable: true)
        let cluster = ClusterConfiguration(
            server: "https://localhost:\(server.port)", tls: TLSSettings(certificateAuthority: .file(certificates.caCertificate)),
            credentials: .exec(ExecConfig(command: plugin)))
        let client = try UpstreamClient(cluster: cluster, logger: .init(label: "test"))
        defer { client.shutdown() }

        #expect(try await client.send(UpstreamRequest(pathAndQuery: "/echo")).status == 200)
    }
}
