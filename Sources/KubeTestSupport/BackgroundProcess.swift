import Dispatch
import Foundation
import KubeUpstream

/// A command-line tool a test keeps running while it does other things (`kubectl get -w`, a
/// Python watch): output is collected as it arrives, so the test can wait on what it prints
/// (`waitForOutput`) instead of sleeping, then `stop()` it.
///
/// Reading happens on Dispatch threads and waiting for exit as well, never on Swift's
/// cooperative pool, so servers in the same test process keep answering the tool.
/// Thread-safe; `stop()` may be called more than once.
public final class BackgroundProcess: Sendable {
    private let process: LockedProcess
    private let output = LockedText()
    private let errors = LockedText()

    /// Starts `executable` with `arguments`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let child = try Subprocess.spawn(executable, arguments, environment: environment)
        close(child.standardInput)
        for (descriptor, text) in [(child.standardOutput, output), (child.standardError, errors)] {
            blockingQueue().async { Subprocess.readChunks(descriptor) { text.append(Data($0)) } }
        }
        process = LockedProcess(child)
    }

    /// Standard output so far.
    public var standardOutput: String { output.text }

    /// Standard error so far.
    public var standardError: String { errors.text }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Waits until standard output satisfies `condition`; throws `WaitTimeout` (with what the
    /// process printed) after `timeout`, or at once if the process exits without satisfying it.
    public func waitForOutput(
        timeout: Duration = .seconds(60), _ what: String, _ condition: (String) -> Bool
    ) async throws {
        try await waitUntil(timeout: timeout, pollInterval: .milliseconds(10), "\(what); output so far: \(standardOutput) \(standardError)") {
            if condition(standardOutput) { return true }
            if !isRunning, !condition(standardOutput) {
                throw WaitTimeout(what: "\(what): the process exited; output: \(standardOutput) \(standardError)", timeout: .zero)
            }
            return false
        }
    }

    /// Kills the process (if running) and waits for it to exit, off the cooperative pool.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            blockingQueue().async { [process] in
                process.terminateAndWait()
                continuation.resume()
            }
        }
    }

    /// Kills the process (if running) and waits for it here, blocking this thread: for cleanup
    /// that cannot await (a `deinit`). The child is killed at once, so the wait is short.
    public func stopNow() {
        process.terminateAndWait()
    }

    /// Waits for the process to exit by itself, off the cooperative pool; returns its status.
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            blockingQueue().async { [process] in
                continuation.resume(returning: process.waitForExit())
            }
        }
    }
}

/// A child process and its exit, reaped on a Dispatch thread of its own.
private final class LockedProcess: @unchecked Sendable {
    private let condition = NSCondition()
    private let child: Subprocess
    /// Set once the child has been reaped; guarded by `condition`.
    private var status: Int32?

    init(_ child: Subprocess) {
        self.child = child
        blockingQueue().async { [self] in
            let status = child.wait()
            condition.lock()
            self.status = status
            condition.broadcast()
            condition.unlock()
        }
    }

    var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return status == nil
    }

    /// SIGKILL, not SIGTERM: a tool that ignores SIGTERM would keep a test waiting.
    func terminateAndWait() {
        condition.lock()
        if status == nil { child.kill(SIGKILL) }  // not yet reaped: the pid is still the child's
        condition.unlock()
        _ = waitForExit()
    }

    func waitForExit() -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        while status == nil { condition.wait() }
        return status!
    }
}

/// Text appended from a pipe's reading thread and read from tests.
private final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.lock()
        data.append(more)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
