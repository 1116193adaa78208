import Foundation
import KubeTestSupport
import Testing

/// Runs the built `kcache` binary and reads what `kcache serve --print-config` prints.
enum KcacheBinary {
    /// What a finished `kcache` process left.
    struct Run: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The binary, or a failed expectation saying how to build it.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(Repository.kcache, "the kcache executable is not built: run `swift build --build-tests` (it builds every product)",
                     sourceLocation: sourceLocation)
    }

    /// Runs `kcache arguments…` in a clean environment (no KUBECONFIG, an empty HOME) and waits
    /// for it to exit; a process still running after `timeout` is killed and reported.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Run {
        let executable = try require()
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        let process = try BackgroundProcess(executable, arguments, environment: environment)
        do {
            try await waitUntil(timeout: timeout, "kcache \(arguments.joined(separator: " ")) to exit") { !process.isRunning }
        } catch {
            await process.stop()
            throw error
        }
        let status = await process.waitForExit()
        return Run(status: status, standardOutput: process.standardOutput, standardError: process.standardError)
    }

    /// `kcache serve arguments… --print-config`, parsed; fails the test when it does not exit 0.
    static func printConfig(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> PrintedConfig {
        let run = try await run(["serve"] + arguments + ["--print-config"])
        try #require(run.status == 0, "kcache serve \(arguments.joined(separator: " ")) --print-config failed: \(run.standardError)",
                     sourceLocation: sourceLocation)
        return try PrintedConfig(run.standardOutput)
    }
}
