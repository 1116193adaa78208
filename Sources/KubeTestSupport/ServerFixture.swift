/// A server a test starts on an ephemeral port and stops at the end (KubeSim, kcache's proxy).
/// KubeSim conforms in `KubeSim+FixtureServer.swift`.
public protocol FixtureServer: Sendable {
    func start(host: String, port: Int) async throws
    var baseURL: String { get }
    func shutdown() async throws
}

/// Starts `server` on 127.0.0.1 port 0, runs `body`, and shuts the server down whether
/// `body` returns or throws.
public func withServer<Server: FixtureServer, Result>(
    _ server: Server, _ body: (Server) async throws -> Result
) async throws -> Result {
    try await server.start(host: "127.0.0.1", port: 0)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}
