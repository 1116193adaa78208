import Foundation
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// A write body over `maxRequestBodyBytes` (3 MiB by default, as the API server) is answered
/// `413` with a `Status` and never reaches the upstream — whether its `Content-Length` says so
/// up front or a chunked body grows past the limit; a body under the limit is forwarded.
@Suite("Limits: body size")
struct BodySizeLimitTests {
    static let limit = 3 << 20

    @Test func oversizedBodiesAreAnswered413() async throws {
        try await HardeningFixture.with { fixture in
            #expect(fixture.kcache.proxy.configuration.server.limits.maxRequestBodyBytes == Self.limit, "the default is 3 MiB")
            let before = try await fixture.limitCount(.bodyBytes)
            let path = "/api/v1/namespaces/ns-0/configmaps"

            // Declared too large: refused before the body is sent.
            let declared = try RawSocket(port: fixture.port)
            defer { declared.close() }
            try declared.send(Array("POST \(path) HTTP/1.1\r\nHost: kcache\r\nContent-Type: application/json\r\nContent-Length: \(Self.limit + 1)\r\n\r\n".utf8))
            let first = try declared.readResponse()
            Self.expect413(first.status, first.headers, first.body)

            // Chunked, growing past the limit: refused once it does.
            let chunked = try RawSocket(port: fixture.port)
            defer { chunked.close() }
            try chunked.send(Array("POST \(path) HTTP/1.1\r\nHost: kcache\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
            var sent = 0
            while !chunked.isReadable(withinMilliseconds: 20) {
                try #require(sent <= 2 * Self.limit, "no answer after \(sent) bytes")
                guard chunked.trySend(Array(String(piece.count, radix: 16).utf8) + Array("\r\n".utf8) + piece + Array("\r\n".utf8)) else { break }
                sent += piece.count
            }
            #expect(sent > Self.limit - piece.count, "refused only past the limit (\(sent) bytes sent)")
            let second = try chunked.readResponse()
            Self.expect413(second.status, second.headers, second.body)

            try await fixture.expectLimitCount(.bodyBytes, atLeast: before + 2)
            let scrape = try await fixture.kcache.scrape()
            #expect(scrape.value("kcache_http_requests_total", ["verb": "create", "resource": "configmaps", "code": "413"]) >= 2)
            #expect(fixture.sim.counters.count(verb: "create", resource: "configmaps") == 0, "nothing reached the upstream")

            // Just under the limit: forwarded and created.
            let payload = String(repeating: "y", count: Self.limit - 4096)
            let fits = try await fixture.client.send(
                "POST", fixture.baseURL + path, json: #"{"metadata":{"name":"just-fits"},"data":{"k":"\#(payload)"}}"#)
            #expect(fits.status == 201, "\(fits.text.prefix(200))")
            try await fixture.expectOthersServed()
        }
    }

    static func expect413(_ status: Int, _ headers: [String: String], _ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 413, sourceLocation: sourceLocation)
        let object = RawSocket.object(body)
        #expect(object["kind"] as? String == "Status" && object["code"] as? Int == 413 && object["reason"] as? String == "RequestEntityTooLarge",
                "\(object)", sourceLocation: sourceLocation)
        #expect(headers["x-kcache-source"] == "cache", "kcache's own answer", sourceLocation: sourceLocation)
    }
}
