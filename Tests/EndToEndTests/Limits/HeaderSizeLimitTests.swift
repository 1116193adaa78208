import Foundation
import KubeProxy
import KubeTestSupport
import Testing

/// A request head over `maxHeaderBytes` is answered `431` with a `Status`, and the connection
/// closed; a watch open meanwhile and other clients carry on.
@Suite("Limits: header size")
struct HeaderSizeLimitTests {
    static let limit = 16 << 10

    @Test func oversizedHeadIsAnswered431() async throws {
        try await HardeningFixture.with(configure: { $0.server.limits.maxHeaderBytes = Self.limit }) { fixture in
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: fixture.sim.currentResourceVersion.value)
            defer { watch.close() }
            let before = try await fixture.limitCount(.headerBytes)

            // Just under the limit: served.
            let fits = try await fixture.client.request(
                "GET", fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps/cm-0",
                headers: [("X-Padding", String(repeating: "a", count: Self.limit / 2))])
            #expect(fits.status == 200)

            // Over it: 431, then the connection closes.
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let padding = String(repeating: "b", count: Self.limit + 4096)
            try socket.send(Array("GET /api/v1/configmaps HTTP/1.1\r\nHost: kcache\r\nX-Padding: \(padding)\r\n\r\n".utf8))
            let response = try socket.readResponse()
            #expect(response.status == 431)
            let status = RawSocket.object(response.body)
            #expect(status["kind"] as? String == "Status" && status["code"] as? Int == 431, "\(status)")
            #expect((status["message"] as? String)?.contains("too large") == true, "\(status)")
            #expect(response.headers["connection"] == "close")
            try await waitUntil(timeout: .seconds(60), "kcache to close the connection") { socket.isClosedByPeer }
            try await fixture.expectLimitCount(.headerBytes, atLeast: before + 1)

            // Everyone else: unaffected.
            try await fixture.expectOthersServed()
            let rv = try fixture.createInSim("ns-0", "after-431")
            let received = try await watch.receive { !$0.isEmpty }
            #expect(received.map(\.description) == ["ADDED ns-0/after-431@\(rv)"])
        }
    }
}
