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
        let process: Subprocess
        do {
            process = try Subprocess.spawn(executable, config.args, environment: environment)
        } catch {
            throw UpstreamError(.credentials, "\(plugin): cannot start it (\(error))")
        }
        close(process.standardInput)  // nothing to read: end of file at once
        // SIGKILL: a plugin may ignore SIGTERM, and the timeout is a last resort. The timer is
        // cancelled before the child is reaped, so its pid cannot have been reused.
        let timer = DispatchWorkItem { process.kill(SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(timeout.curlMilliseconds), execute: timer)
        // Read standard error concurrently so that neither pipe can fill and block the plugin.
        let errorText = ErrorCollector()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            errorText.set(Data(Subprocess.readToEnd(process.standardError)))
        }
        let output = Subprocess.readToEnd(process.standardOutput)
        group.wait()
        timer.cancel()
        let status = process.wait()
        guard status == 0 else {
            let how = status > 128 ? "was killed (signal \(status - 128); timeout \(timeout))" : "exited with status \(status)"
            let detail = errorText.summary.isEmpty ? "" : ": \(errorText.summary)"
            throw UpstreamError(.credentials, "\(plugin) \(how)\(detail)")
        }
        return output
    }
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
