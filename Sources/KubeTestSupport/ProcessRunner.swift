import Dispatch
import Foundation
import KubeUpstream

/// Runs a command-line tool (kubectl, curl, openssl) for a test without blocking Swift's
/// cooperative thread pool: the process is waited for on a Dispatch thread, so servers running
/// in the same test process keep answering the tool.
public enum ProcessRunner {
    /// What a finished process left.
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` with `arguments`; `input` is written to its standard input.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, input: String? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            blockingQueue().async {
                do {
                    let child = try Subprocess.spawn(
                        executable, arguments, environment: environment, currentDirectory: currentDirectory)
                    // Drain stderr concurrently so neither pipe can fill and stall the child.
                    let errorData = LockedData()
                    let group = DispatchGroup()
                    group.enter()
                    blockingQueue().async {
                        errorData.set(Data(Subprocess.readToEnd(child.standardError)))
                        group.leave()
                    }
                    if let input {
                        signal(SIGPIPE, SIG_IGN)  // a tool that exits without reading must not end the tests
                        Subprocess.writeAll(Array(input.utf8), to: child.standardInput)
                    }
                    close(child.standardInput)
                    let outputData = Subprocess.readToEnd(child.standardOutput)
                    group.wait()
                    let status = child.wait()
                    continuation.resume(returning: Result(
                        status: status,
                        standardOutput: String(decoding: outputData, as: UTF8.self),
                        standardError: String(decoding: errorData.get(), as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// A queue for work that blocks a thread (waiting for a process, reading its pipes).
///
/// A new serial queue targets Dispatch's overcommitting pool, which adds a thread whenever its
/// threads are blocked. `DispatchQueue.global()` does not: on Linux its few threads (one per
/// core) are shared with Swift concurrency's cooperative pool, so blocking them stalls every
/// async test in the process — and the servers' tasks a tool is talking to.
func blockingQueue() -> DispatchQueue {
    DispatchQueue(label: "kcache.tests.blocking")
}

/// Bytes handed between Dispatch threads.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) {
        lock.lock()
        data = value
        lock.unlock()
    }
    func get() -> Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
