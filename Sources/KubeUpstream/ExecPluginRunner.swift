import Foundation
import Synchronization

/// Runs a credential plugin process and parses its ExecCredential.
///
/// The plugin gets kcache's environment (`baseEnvironment`) plus `exec.env` plus
/// `KUBERNETES_EXEC_INFO`, standard input from /dev/null, and `timeout` to finish (then it is
/// terminated). A bare command name is looked up in `PATH`. The blocking wait happens on a
/// Dispatch thread, never on the cooperative pool. Failure messages name the command, its exit
/// status and the start of its standard error, never its standard output.
struct ExecPluginRunner: Sendable {
    var baseEnvironment: [String: String]
    var timeout: Duration

    func run(_ config: ExecConfig) async throws -> ExecCredential.Status {
        let plugin = "exec plugin \(config.command)"
        if config.interactiveMode == "Always" {
            throw UpstreamError(.credentials, "\(plugin): interactiveMode Always needs a terminal, which kcache does not have")
        }
        let executable = try resolve(config)
        var environment = baseEnvironment
        for variable in config.env { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = ExecCredential.execInfo(for: config)
        let timeout = timeout
        let finalEnvironment = environment
        let output: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try Self.runBlocking(executable, config: config, environment: finalEnvironment, timeout: timeout)
                })
            }
        }
        return try ExecCredential.parse(output, config: config)
    }

    private func resolve(_ config: ExecConfig) throws -> String {
        let hint = config.installHint.map { "; \($0)" } ?? ""
        if config.command.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: config.command) else {
                throw UpstreamError(.credentials, "exec plugin \(config.command): not an executable file\(hint)")
            }
            return config.command
        }
        let path = baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(config.command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw UpstreamError(.credentials, "exec plugin \(config.command): not found in PATH\(hint)")
    }

    private static func runBlocking(
        _ executable: String, config: ExecConfig, environment: [String: String], timeout: Duration
    ) throws -> [UInt8] {
        let plugin = "exec plugin \(config.command)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = config.args
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try withSignalsUnblocked { try process.run() }
        } catch {
            throw UpstreamError(.credentials, "\(plugin): cannot start it (\(error.localizedDescription))")
        }
        // SIGKILL: a plugin may ignore SIGTERM, and the timeout is a last resort.
        let pid = process.processIdentifier
        let timer = DispatchWorkItem { if process.isRunning { kill(pid, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(timeout.curlMilliseconds), execute: timer)
        // Read standard error concurrently so that neither pipe can fill and block the plugin.
        let errorText = ErrorCollector()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            errorText.set(stderr.fileHandleForReading.readDataToEndOfFile())
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        timer.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)" : "was killed (signal \(process.terminationStatus); timeout \(timeout))"
            let detail = errorText.summary.isEmpty ? "" : ": \(errorText.summary)"
            throw UpstreamError(.credentials, "\(plugin) \(how)\(detail)")
        }
        return [UInt8](output)
    }
}

/// Runs `body` (which spawns a process) with this thread's signal mask cleared, then restores
/// it. Dispatch threads block every signal and a spawned child inherits the mask, which would
/// leave a plugin deaf to SIGTERM and SIGINT.
private func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
    var empty = sigset_t(), previous = sigset_t()
    sigemptyset(&empty)
    pthread_sigmask(SIG_SETMASK, &empty, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}

/// Holds a plugin's standard error, read on another thread.
private final class ErrorCollector: Sendable {
    /// Written by the reading thread, read after it finished; guarded by the mutex.
    private let data = Mutex(Data())

    func set(_ bytes: Data) { data.withLock { $0 = bytes } }

    /// The first 512 bytes as text, trimmed.
    var summary: String {
        data.withLock { String(decoding: $0.prefix(512), as: UTF8.self).trimmingWhitespace() }
    }
}
