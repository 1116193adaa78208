import Foundation

/// Certificates made with the `openssl` CLI once per test run: a CA, a server certificate it
/// signed for `kube.test` and `localhost` (no IP address, so `https://127.0.0.1` only verifies
/// with `tls-server-name`), a client certificate it signed, and an unrelated CA.
struct TestCertificates: Sendable {
    let directory: TemporaryDirectory
    var caCertificate: String { directory.file("ca.crt") }
    var serverCertificate: String { directory.file("server.crt") }
    var serverKey: String { directory.file("server.key") }
    var clientCertificate: String { directory.file("client.crt") }
    var clientKey: String { directory.file("client.key") }
    var otherCACertificate: String { directory.file("other-ca.crt") }

    /// Made on first use; the directory is removed when the test process exits.
    static let shared: Result<TestCertificates, any Error> = Result {
        let certificates = try TestCertificates()
        atexit { (try? TestCertificates.shared.get())?.directory.remove() }
        return certificates
    }

    private init() throws {
        directory = try TemporaryDirectory()
        let dir = directory.path
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try runCommand(["openssl", "req", "-x509"] + ec + [
            "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kcache test CA",
        ], directory: dir)
        try runCommand(["openssl", "req", "-x509"] + ec + [
            "-keyout", "other-ca.key", "-out", "other-ca.crt", "-days", "2", "-subj", "/CN=unrelated CA",
        ], directory: dir)
        try directory.write("server.ext", "subjectAltName=DNS:kube.test,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try directory.write("client.ext", "extendedKeyUsage=clientAuth\n")
        for (name, subject) in [("server", "/CN=kube.test"), ("client", "/CN=kcache-client/O=system:masters")] {
            try runCommand(["openssl", "req"] + ec + [
                "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
            ], directory: dir)
            try runCommand([
                "openssl", "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext",
            ], directory: dir)
        }
    }

    static func get() throws -> TestCertificates { try shared.get() }

    func base64(_ path: String) throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
    }
}
