import Foundation
import KubeProxy
import KubeTestSupport
import Testing

/// Clients that hold connections without completing requests: slowloris (heads dribbled a
/// byte at a time), idle connections, bodies that stop. Each connection is closed when its
/// timeout passes, counted, and meanwhile a normal request is answered at once.
@Suite("Limits: slow clients")
struct SlowClientLimitTests {
    static let slowSockets = 1_000
    static let idleTimeout: Duration = .seconds(3)
    /// Each slow socket sends one more byte of its head this often: the test's behaviour.
    static let dribbleInterval: Duration = .milliseconds(250)
    /// The bound on a normal request's latency while the slow sockets dribble.
    static let latencyBound: Duration = .milliseconds(100)

    @Test func thousandSlowlorisSocketsDoNotDelayANormalRequest() async throws {
        raiseOpenFileLimit(to: 8 * Self.slowSockets)
        try await HardeningFixture.with(configure: { $0.server.limits.idleTimeout = Self.idleTimeout }) { fixture in
            let before = try await fixture.limitCount(.idleTimeout)
            let descriptorsBefore = openFileDescriptors()
            var sockets: [RawSocket] = []
            defer { for socket in sockets { socket.close() } }
            for _ in 0..<Self.slowSockets { sockets.append(try RawSocket(port: fixture.port)) }
            let opened = ContinuousClock.now
            // Each socket dribbles a head that never ends: one byte per interval.
            let head = Array("GET /api/v1/configmaps HTTP/1.1\r\nHost: kcache\r\nX-Slow: ".utf8)
            let all = sockets
            let dribbling = Task {
                var position = 0
                while !Task.isCancelled {
                    let byte = position < head.count ? head[position] : UInt8(ascii: "z")
                    for socket in all { _ = socket.trySend([byte]) }
                    position += 1
                    try? await Task.sleep(for: Self.dribbleInterval)
                }
            }
            defer { dribbling.cancel() }
            // kcache has accepted every one (its ends of the sockets are open in this process too).
            try await waitUntil(timeout: .seconds(20), "kcache to accept \(Self.slowSockets) connections") {
                openFileDescriptors() >= descriptorsBefore + 2 * Self.slowSockets
            }

            // While they dribble: normal requests, each on a new connection, timed.
            var latencies: [Duration] = []
            let clock = ContinuousClock()
            for index in 0..<20 {
                let start = clock.now
                let response = try await fixture.client.request("GET", fixture.baseURL + "/api/v1/namespaces/ns-\(index % 2)/configmaps/cm-0")
                latencies.append(clock.now - start)
                #expect(response.status == 200 && response.header("X-Kcache-Source") == "cache")
            }
            #expect(ContinuousClock.now - opened < Self.idleTimeout, "measured while every slow socket was still open")
            #expect(sockets.allSatisfy { !$0.isClosedByPeer }, "measured while every slow socket was still open")
            let sorted = latencies.sorted()
            print("slowloris: \(Self.slowSockets) dribbling sockets; normal GET latency median \(sorted[sorted.count / 2]), max \(sorted.last!), all: \(latencies.map { "\($0)" }.joined(separator: " "))")
            #expect(sorted[sorted.count / 2] < Self.latencyBound, "median latency \(sorted[sorted.count / 2])")
            #expect(sorted[sorted.count * 9 / 10] < Self.latencyBound, "90th percentile latency \(sorted[sorted.count * 9 / 10])")

            // The idle timeout closes every slow socket, though each keeps sending.
            try await waitUntil(timeout: Self.idleTimeout + .seconds(20), "kcache to close every slow socket") {
                sockets.allSatisfy(\.isClosedByPeer)
            }
            #expect(ContinuousClock.now - opened >= Self.idleTimeout - .milliseconds(100), "closed no sooner than the idle timeout")
            try await fixture.expectLimitCount(.idleTimeout, atLeast: before + Double(Self.slowSockets))
            try await fixture.expectOthersServed()
        }
    }

    @Test func aBodyThatStopsIsCutOffAtTheBodyTimeout() async throws {
        try await HardeningFixture.with(configure: { $0.server.limits.requestBodyTimeout = .seconds(1) }) { fixture in
            let before = try await fixture.limitCount(.bodyTimeout)
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let clock = ContinuousClock()
            let start = clock.now
            try socket.send(Array("POST /api/v1/namespaces/ns-0/configmaps HTTP/1.1\r\nHost: kcache\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"metadata\":".utf8))
            try await waitUntil(timeout: .seconds(20), "kcache to close the stalled upload") { socket.isClosedByPeer }
            #expect(clock.now - start >= .milliseconds(900), "not before the body timeout")
            try await fixture.expectLimitCount(.bodyTimeout, atLeast: before + 1)
            #expect(fixture.sim.counters.count(verb: "create", resource: "configmaps") == 0, "the partial write never reached the upstream")
            try await fixture.expectOthersServed()
        }
    }

    /// A chunked upload whose client goes away before the last chunk: the body is cut off, and
    /// must not reach the upstream as a whole body, though what arrived is a valid object.
    @Test func aChunkedBodyCutOffIsNotForwardedAsWhole() async throws {
        try await HardeningFixture.with { fixture in
            let socket = try RawSocket(port: fixture.port)
            let object = Array(#"{"metadata":{"name":"cut-off"},"data":{"k":"v"}}"#.utf8)
            try socket.send(Array("POST /api/v1/namespaces/ns-0/configmaps HTTP/1.1\r\nHost: kcache\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                + Array(String(object.count, radix: 16).utf8) + Array("\r\n".utf8) + object + Array("\r\n".utf8))
            // The chunk arrives (kcache streams it upstream at once); then the client vanishes.
            socket.close()
            try await waitUntil(timeout: .seconds(20), "kcache to give up the upload") {
                try await fixture.kcache.scrape().value("kcache_upstream_errors_total", ["verb": "create"]) >= 1
            }
            #expect(fixture.sim.counters.count(verb: "create", resource: "configmaps") == 0, "the cut-off body never reached the upstream whole")
            #expect((try? fixture.sim.get(HardeningFixture.configMaps, namespace: "ns-0", name: "cut-off")) == nil, "no object was created")
            try await fixture.expectOthersServed()
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        try await HardeningFixture.with(configure: { $0.server.limits.idleTimeout = .seconds(1) }) { fixture in
            let before = try await fixture.limitCount(.idleTimeout)
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            // One complete request on a keep-alive connection, then nothing.
            try socket.send(Array("GET /api/v1/namespaces/ns-0/configmaps/cm-0 HTTP/1.1\r\nHost: kcache\r\n\r\n".utf8))
            let response = try socket.readResponse()
            #expect(response.status == 200)
            let answered = ContinuousClock.now
            try await waitUntil(timeout: .seconds(20), "kcache to close the idle connection") { socket.isClosedByPeer }
            #expect(ContinuousClock.now - answered >= .milliseconds(900), "kept alive until the idle timeout")
            try await fixture.expectLimitCount(.idleTimeout, atLeast: before + 1)
        }
    }
}
