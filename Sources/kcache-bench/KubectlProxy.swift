import Foundation

/// `kubectl proxy --port=0` in front of KubeSim (a generated kubeconfig without credentials), for
/// the report-only row "LIST through kubectl proxy". The port is read from its first line,
/// `Starting to serve on 127.0.0.1:PORT`.
struct KubectlProxy: Sendable {
    let process: ChildProcess
    let port: Int

    /// Starts the proxy, or returns nil (with the reason) when kubectl is not installed.
    static func start(upstream: String, work: WorkDirectory) async throws -> KubectlProxy? {
        guard let kubectl = Tools.find("kubectl") else { return nil }
        let kubeconfig = work.file("kubeconfig")
        try """
        apiVersion: v1
        kind: Config
        clusters:
        - name: kubesim
          cluster: {server: "\(upstream)"}
        users:
        - name: anonymous
          user: {}
        contexts:
        - name: kubesim
          context: {cluster: kubesim, user: anonymous}
        current-context: kubesim

        """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let process = try ChildProcess.spawn(
            name: "kubectl proxy", executable: kubectl,
            arguments: ["proxy", "--port=0", "--address=127.0.0.1", "--kubeconfig", kubeconfig],
            logPath: work.file("kubectl-proxy.log"))
        do {
            let port = try await process.waitForLog("kubectl proxy's port", timeout: .seconds(30)) { log -> Int? in
                guard let range = log.range(of: "Starting to serve on ") else { return nil }
                let rest = log[range.upperBound...]
                guard let end = rest.firstIndex(of: "\n") else { return nil }  // the whole line only
                let address = rest[..<end].trimmingCharacters(in: .whitespaces)
                guard let colon = address.lastIndex(of: ":") else { return nil }
                return Int(address[address.index(after: colon)...])
            }
            return KubectlProxy(process: process, port: port)
        } catch {
            await process.stop(signal: SIGKILL)
            throw error
        }
    }

    func stop() async {
        await process.stop(signal: SIGKILL)
    }
}
