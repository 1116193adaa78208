import Foundation
import KubeTestSupport

/// The real clients the end-to-end tests drive, each found on this machine or reported absent
/// (the test then prints why it skips and returns).
enum ClientTools {
    static let kubectl = ExecutableLookup.find("kubectl")
    static let curl = ExecutableLookup.find("curl")
    static let python = ExecutableLookup.find("python3")

    /// nil when the Python client is importable, else why not.
    static func pythonClientProblem() async -> String? {
        guard let python else { return "python3 is not installed" }
        guard let result = try? await ProcessRunner.run(python, ["-c", "import kubernetes"]) else {
            return "python3 could not be run"
        }
        return result.status == 0 ? nil : "`import kubernetes` fails (`make test` runs pip install kubernetes): \(result.standardError.suffix(200))"
    }

    /// Prints why a test skips; returns false so it reads `guard ClientTools.available(…) else { return }`.
    static func available(_ tool: String?, _ name: String, test: String = #function) -> Bool {
        if tool == nil { print("\(test): skipping, \(name) is not installed") }
        return tool != nil
    }

    /// A throwaway home for a tool: no kubeconfig, caches in a temporary directory.
    struct Home {
        let path: String
        var environment: [String: String]

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-e2e-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            environment = ProcessInfo.processInfo.environment
            environment["HOME"] = path
            environment["KUBECONFIG"] = path + "/kubeconfig"
            for proxyVariable in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
                environment[proxyVariable] = nil
            }
            environment["NO_PROXY"] = "127.0.0.1,localhost"
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Runs kubectl against `server` to completion.
    static func kubectl(_ server: String, _ arguments: [String], home: Home, stdin: String? = nil) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run(
            kubectl!, ["--server=\(server)", "--cache-dir=\(home.path)/cache", "--request-timeout=20s"] + arguments,
            environment: home.environment, input: stdin)
    }
}
