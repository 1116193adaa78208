import Dispatch
import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        let errors = self.errors
        outputPipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        errorPipe.fileHandleForReading.readabilityHandler = { handle in errors.append(handle.availableData) }
        try process.run()
        self.process = LockedProcess(process, pipes: [outputPipe, errorPipe])
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

    /// Waits for the process to exit by itself, off the cooperative pool; returns its status.
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            blockingQueue().async { [process] in
                continuation.resume(returning: process.waitForExit())
            }
        }
    }
}

/// A `Process` and its pipes behind a lock (Foundation's `Process` is not Sendable).
private final class LockedProcess: @unchecked Sendable {
    private let lock = NSLock()
    private let process: Process
    private let pipes: [Pipe]

    init(_ process: Process, pipes: [Pipe]) {
        self.process = process
        self.pipes = pipes
    }

    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return process.isRunning
    }

    /// SIGKILL, not `terminate()`'s SIGTERM: a child spawned from a Dispatch or Swift
    /// concurrency thread inherits that thread's signal mask, in which SIGTERM is blocked, so
    /// tools that do not reset their mask (curl, python) would ignore it.
    func terminateAndWait() {
        lock.lock()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        lock.unlock()
        _ = waitForExit()
    }

    func waitForExit() -> Int32 {
        process.waitUntilExit()
        lock.lock()
        defer { lock.unlock() }
        for pipe in pipes { pipe.fileHandleForReading.readabilityHandler = nil }
        return process.terminationStatus
    }
}

/// Text appended from a pipe's handler thread and read from tests.
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
