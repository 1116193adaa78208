import Foundation
import Testing
@testable import KubeUpstream

/// HTTP/2 against a Node.js `http2` server (skipped without `node`): many streams multiplexed
/// on one connection, and a paused stream that does not stall the others.
@Suite(.enabled(if: TestServer.hasNode, "needs node for its HTTP/2 server"))
struct HTTP2Tests {
    private func start() async throws -> (TestServer, UpstreamClient) {
        let certificates = try TestCertificates.get()
        let server = try await TestServer(
            tls: .init(certificate: certificates.serverCertificate, key: certificates.serverKey), kind: .nodeHTTP2)
        let client = try UpstreamClient(
            cluster: ClusterConfiguration(
                server: "https://localhost:\(server.port)",
                tls: TLSSettings(certificateAuthority: .file(certificates.caCertificate))),
            configuration: {
                var configuration = UpstreamClient.Configuration()
                configuration.streamBufferBytes = 256 << 10
                return configuration
            }(),
            logger: .init(label: "test"))
        return (server, client)
    }

    @Test func watchesShareOneConnection() async throws {
        let (server, client) = try await start()
        defer { server.stop(); client.shutdown() }
        let count = 100

        let streams = try await withThrowingTaskGroup(of: (Int, UpstreamStream).self) { group in
            for index in 0..<count {
                group.addTask {
                    let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/hold?id=w\(index)"))
                    var iterator = stream.makeAsyncIterator()
                    _ = try await iterator.next()
                    return (index, stream)
                }
            }
            return try await group.reduce(into: [(Int, UpstreamStream)]()) { $0.append($1) }
        }.sorted { $0.0 < $1.0 }.map(\.1)
        #expect(streams.count == count)
        #expect(streams.allSatisfy { $0.httpVersion == "HTTP/2" && $0.status == 200 })
        #expect(server.events().filter { $0.hasPrefix("session") } == ["session 1"])

        // Cancel all but the last: libcurl queues their RST_STREAM frames and sends them with
        // the connection's next traffic, here a request that reuses the connection.
        for stream in streams.dropLast() { stream.cancel() }
        let echo = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        #expect(String(decoding: echo.body, as: UTF8.self).contains("\"session\":1"))
        for index in 0..<(count - 1) { try await server.waitForEvent("closed hold w\(index)") }
        #expect(!server.events().contains("closed hold w\(count - 1)"))

        // Cancelling the connection's last stream closes the connection at once.
        streams.last?.cancel()
        try await server.waitForEvent("closed hold w\(count - 1)")
        #expect(client.callbackThreadCount == 1)
    }

    @Test func pausedStreamDoesNotStallTheConnection() async throws {
        let (server, client) = try await start()
        defer { server.stop(); client.shutdown() }
        let total = 16 << 20

        let big = try await client.stream(UpstreamRequest(pathAndQuery: "/bytes?n=\(total)&id=big"))
        try await waitUntil("the big stream to pause") { big.isPaused }
        #expect(big.deliveredBytes <= (256 << 10) + (16 << 10))

        // Another request on the same connection completes while the big one is paused.
        let echo = try await client.send(UpstreamRequest(pathAndQuery: "/echo?while=paused"))
        #expect(echo.status == 200)
        #expect(String(decoding: echo.body, as: UTF8.self).contains("\"session\":1"))
        #expect(!server.events().contains("done bytes big"))

        var offset = 0
        var mismatches = 0
        for try await chunk in big {
            if !Fixtures.matchesPattern(chunk, at: offset) { mismatches += 1 }
            offset += chunk.count
        }
        #expect(offset == total)
        #expect(mismatches == 0)
    }
}
