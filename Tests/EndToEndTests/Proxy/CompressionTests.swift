import KubeSim
import KubeTestSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPCompression
import Testing

/// gzip as the API server does it (KUBERNETES.md): non-watch bodies over 128 KiB are
/// compressed when the client accepts gzip; small bodies and watches never are.
@Suite struct CompressionTests {
    /// 200 configmaps of 1 KiB: a LIST of about 250 KiB.
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 200, podsPerNamespace: 0, configMapDataBytes: 1024, nodes: 0)
    static let acceptGzip = [("Accept-Encoding", "gzip")]

    @Test func largeListIsGzippedAndSmallBodiesAndWatchesAreNot() async throws {
        try await ProxyFixture.with(seed: Self.seed) { fixture in
            let plain = try await fixture.get("/api/v1/configmaps")
            #expect(plain.status == 200)
            #expect(plain.header("X-Kcache-Source") == "cache")
            #expect(plain.header("Content-Encoding") == nil, "not asked for")
            #expect(plain.body.count > 128 << 10, "the LIST is over the threshold: \(plain.body.count) bytes")

            let compressed = try await fixture.get("/api/v1/configmaps", headers: Self.acceptGzip)
            #expect(compressed.status == 200)
            #expect(compressed.header("X-Kcache-Source") == "cache")
            #expect(compressed.header("Content-Encoding") == "gzip")
            #expect(compressed.body.count < plain.body.count, "\(compressed.body.count) bytes compressed")
            #expect(Array(compressed.body.prefix(2)) == [0x1F, 0x8B], "a gzip stream")
            #expect(try Self.gunzip(compressed) == plain.body, "the same JSON as without compression")

            // Small answers stay as they are.
            for path in ["/api/v1/namespaces/ns-0/configmaps/cm-1", "/api/v1/configmaps?limit=2",
                         "/api/v1/namespaces/ns-0/configmaps?labelSelector=index%3D7"] {
                let small = try await fixture.get(path, headers: Self.acceptGzip)
                #expect(small.status == 200, "\(path)")
                #expect(small.header("Content-Encoding") == nil, "\(path): \(small.body.count) bytes")
                #expect(small.json != nil, "\(path) is plain JSON")
            }

            // A watch whose initial events alone exceed the threshold is not compressed.
            let stream = try await fixture.watch("/api/v1/configmaps?watch=true", headers: Self.acceptGzip)
            defer { stream.close() }
            #expect(stream.header("Content-Encoding") == nil)
            #expect(stream.header("Transfer-Encoding") == "chunked")
            let events = try await stream.receive(200)
            #expect(events.count == 200)
            #expect(events.allSatisfy { $0.type == "ADDED" }, "every line is a plain JSON event")
        }
    }

    /// The body decompressed by NIO's client-side decompressor, in an embedded channel (no
    /// process spawned: Foundation's `Process` is fragile in a test process with many sockets).
    static func gunzip(_ response: TestHTTPResponse) throws -> [UInt8] {
        let channel = EmbeddedChannel(handler: NIOHTTPResponseDecompressor(limit: .none))
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(response.headers))
        try channel.writeInbound(HTTPClientResponsePart.head(head))
        try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(bytes: response.body)))
        try channel.writeInbound(HTTPClientResponsePart.end(nil))
        var body: [UInt8] = []
        while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
            if case .body(let buffer) = part { body += buffer.readableBytesView }
        }
        _ = try channel.finish()
        return body
    }
}
