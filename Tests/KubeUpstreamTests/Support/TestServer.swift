import Foundation
import Synchronization

/// The Python test server as a subprocess on a free port, with its own state directory
/// (`events.log`, `valid-tokens`). HTTP, or HTTPS when given certificate files (and, with a
/// client CA, requiring client certificates). Stop it with `stop()`.
final class TestServer: Sendable {
    let directory: TemporaryDirectory
    let port: Int
    let scheme: String
    /// The running process; guarded by the mutex (only `stop` changes it).
    private let process: Mutex<Process?>

    struct TLSFiles: Sendable {
        var certificate: String
        var key: String
        var clientCA: String?
    }

    init(tls: TLSFiles? = nil) async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("server.py", TestServerScript.source)
        var arguments = ["python3", script, directory.path]
        if let tls {
            arguments += ["--cert", tls.certificate, "--key", tls.key]
            if let clientCA = tls.clientCA { arguments += ["--client-ca", clientCA] }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
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
            // SIGKILL: a child spawned from a Dispatch thread inherits its blocked signal mask,
            // so SIGTERM (Process.terminate) may never be delivered.
            if let running = process, running.isRunning { kill(running.processIdentifier, SIGKILL) }
            process?.waitUntilExit()
            process = nil
        }
        directory.remove()
    }

    deinit {
        stop()
    }
}
