import Dispatch
import KubeUpstream
import Foundation
import KubeTestSupport
import Synchronization

/// The real `kcache` executable running as a child process, for tests of what only a process
/// shows: restarts, SIGTERM's final save, `kill -9`, start-up time.
///
/// The executable is the one `swift build --build-tests` put beside the test bundle
/// (`.build/debug/kcache`), or `$KCACHE_BINARY`. kcache logs one JSON object per line on
/// standard error (`--log-format json`); `start` waits for its `listening` line and takes the
/// port from it, so `--listen 127.0.0.1:0` needs no fixed port. Standard error is collected as
/// it arrives, and the exit is observed through a termination handler: nothing here blocks a
/// thread of Swift's cooperative pool. Thread-safe.
final class KcacheProcess: Sendable {
    /// Why a process could not be started or did not do what was awaited.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The path of the `kcache` executable (`$KCACHE_BINARY`, or the one built beside the
    /// tests), or nil when it has not been built.
    static let executable: String? = ProcessInfo.processInfo.environment["KCACHE_BINARY"] ?? Repository.kcache

    let pid: Int32
    /// When the process was spawned (just before `posix_spawn`).
    let startedAt: ContinuousClock.Instant
    let arguments: [String]
    private let output = Output()

    /// Spawns `kcache` with `arguments` and `environment` added to the test's own (without
    /// HTTP proxy variables: the upstream is on loopback).
    init(arguments: [String], environment extra: [String: String] = [:]) throws {
        guard let executable = Self.executable else {
            throw Failure(description: "the kcache executable is not built; run `swift build --build-tests` (or set KCACHE_BINARY)")
        }
        var environment = ProcessInfo.processInfo.environment
        for variable in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
            environment[variable] = nil
        }
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        environment.merge(extra) { $1 }
        self.arguments = arguments
        startedAt = .now
        let child = try Subprocess.spawn(executable, arguments, environment: environment)
        close(child.standardInput)
        pid = child.pid
        let output = self.output
        DispatchQueue(label: "kcache.tests.kcache-stdout").async { _ = Subprocess.readToEnd(child.standardOutput) }
        DispatchQueue(label: "kcache.tests.kcache-stderr").async {
            // Standard error as it arrives; then the exit (reaped here, after the pipe's end).
            Subprocess.readChunks(child.standardError) { chunk in output.errors.withLock { $0.append(contentsOf: chunk) } }
            let status = child.wait()
            output.status.withLock { $0 = status > 128 ? status - 128 : status }
        }
    }

    // MARK: Logs

    /// Standard error so far.
    var standardError: String { output.errors.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Every complete JSON log line so far, as its fields.
    var logRecords: [[String: String]] {
        standardError.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
        }
    }

    /// The log records whose message contains `text`.
    func logs(containing text: String) -> [[String: String]] {
        logRecords.filter { $0["message"]?.contains(text) == true }
    }

    /// Waits for a log record whose message contains `text`; returns it.
    @discardableResult
    func waitForLog(_ text: String, timeout: Duration = .seconds(20)) async throws -> [String: String] {
        try await eventually(timeout: timeout, pollInterval: .milliseconds(2), "kcache to log \"\(text)\"; log so far:\n\(standardError.suffix(3000))") {
            if let record = logs(containing: text).first { return record }
            if let exit = exitStatus {
                throw Failure(description: "kcache exited (\(exit)) before logging \"\(text)\":\n\(standardError.suffix(3000))")
            }
            return nil
        }
    }

    /// Waits for the `listening` line; returns `http://127.0.0.1:PORT`.
    func waitUntilListening(timeout: Duration = .seconds(20)) async throws -> String {
        let record = try await waitForLog("listening", timeout: timeout)
        // `address` is a SocketAddress description: `[IPv4]127.0.0.1/127.0.0.1:PORT`.
        guard let address = record["address"], let colon = address.lastIndex(of: ":"),
              let port = Int(address[address.index(after: colon)...]), port > 0
        else { throw Failure(description: "no port in the listening line: \(record)") }
        return "http://127.0.0.1:\(port)"
    }

    // MARK: Signals and exit

    /// The exit status once the process has exited (the signal number if a signal ended it).
    var exitStatus: Int32? { output.status.withLock { $0 } }

    var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the process to exit; returns its status.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await eventually(timeout: timeout, pollInterval: .milliseconds(2), "kcache (pid \(pid)) to exit") { exitStatus }
    }

    /// SIGTERM, then waits for the graceful shutdown (final save included) to finish.
    @discardableResult
    func terminate(timeout: Duration = .seconds(30)) async throws -> Int32 {
        send(SIGTERM)
        do {
            return try await waitForExit(timeout: timeout)
        } catch {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let signals = status.split(separator: "\n").filter { $0.hasPrefix("Sig") }.joined(separator: " ")
            throw Failure(description: "kcache (pid \(pid)) did not exit after SIGTERM (\(signals)); log:\n\(standardError.suffix(3000))")
        }
    }

    /// SIGKILL (`kill -9`), then waits for the exit.
    func kill9() async throws {
        send(SIGKILL)
        try await waitForExit(timeout: .seconds(10))
    }

    deinit {
        // A test that failed half-way must not leave a server running.
        if exitStatus == nil { kill(pid, SIGKILL) }
    }
}

/// What the process left: standard error as it arrives and then the exit status, both written
/// by the thread reading the pipe. Each guarded by its mutex.
private final class Output: Sendable {
    let errors = Mutex<[UInt8]>([])
    let status = Mutex<Int32?>(nil)
}

