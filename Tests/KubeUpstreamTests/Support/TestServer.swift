import KubeTestSupport
import Foundation
import Synchronization

/// A test server subprocess on a free port, with its own state directory (`events.log`,
/// `valid-tokens`): the Python HTTP/1.1 server (HTTPS when given certificate files, and with a
/// client CA requiring client certificates), or the Node.js HTTP/2 server. Stop it with `stop()`.
final class TestServer: Sendable {
    let directory: TemporaryDirectory
    let port: Int
    let scheme: String
    /// The running process; guarded by the mutex (only `stop` changes it).
    private let process: Mutex<BackgroundProcess?>

    struct TLSFiles: Sendable {
        var certificate: String
        var key: String
        var clientCA: String?
        /// Ask for a client certificate signed by `clientCA` without requiring one.
        var clientCertificateOptional = false
    }

    enum Kind: Sendable {
        case python
        case nodeHTTP2
    }

    /// Whether `node` (for the HTTP/2 server) is installed.
    static let hasNode = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/node") }

    init(tls: TLSFiles? = nil, kind: Kind = .python) async throws {
        let directory = try TemporaryDirectory()
        var arguments: [String]
        switch kind {
        case .python:
            arguments = ["python3", try directory.write("server.py", TestServerScript.source), directory.path]
            if let tls {
                arguments += ["--cert", tls.certificate, "--key", tls.key]
                if let clientCA = tls.clientCA { arguments += ["--client-ca", clientCA] }
                if tls.clientCertificateOptional { arguments += ["--client-optional", "1"] }
            }
        case .nodeHTTP2:
            guard let tls else { throw TimedOut(what: "TLS files for the HTTP/2 server") }
            arguments = ["node", try directory.write("h2.js", H2ServerScript.source), directory.path, tls.certificate, tls.key]
        }
        let process = try BackgroundProcess("/usr/bin/env", arguments)
        try await waitUntil("the test server to report its port", timeout: .seconds(30)) {
            directory.read("port") != nil || !process.isRunning
        }
        guard let text = directory.read("port"), let port = Int(text) else {
            throw TimedOut(what: "the test server to start")
        }
        self.directory = directory
        self.port = port
        self.scheme = tls == nil ? "http" : "https"
        self.process = Mutex(process)
    }

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Lines of `events.log` so far.
    func events() -> [String] {
        (directory.read("events.log") ?? "").split(separator: "\n").map(String.init)
    }

    func waitForEvent(_ line: String, timeout: Duration = .seconds(20)) async throws {
        try await waitUntil("server event \"\(line)\"", timeout: timeout) { events().contains(line) }
    }

    func setValidTokens(_ tokens: [String]) throws {
        try directory.write("valid-tokens", tokens.joined(separator: "\n") + "\n")
    }

    func stop() {
        process.withLock { process in
            process?.stopNow()
            process = nil
        }
        directory.remove()
    }

    deinit {
        stop()
    }
}
