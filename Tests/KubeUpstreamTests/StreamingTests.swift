import Foundation
import Testing
@testable import KubeUpstream

/// Streaming responses: back-pressure into libcurl, line framing, cancellation, many streams
/// on one loop thread, shutdown.
@Suite struct StreamingTests {
    @Test func slowConsumerKeepsBufferBoundedThenGetsEveryByteInOrder() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let highWater = 256 << 10
        let client = try Fixtures.client(server) { $0.streamBufferBytes = highWater }
        defer { client.shutdown() }
        // One write callback may add up to CURL_MAX_WRITE_SIZE (16 KiB) past the high-water mark.
        let bound = highWater + (16 << 10)
        let total = 48 << 20

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/bytes?n=\(total)&chunk=65536&id=bp"))
        #expect(stream.status == 200)
        try await server.waitForEvent("start bytes bp")
        try await waitUntil("the transfer to pause") { stream.isPaused }
        // Paused with nothing read: libcurl handed over at most the bound, and no more arrives.
        #expect(stream.deliveredBytes <= bound)
        #expect(stream.deliveredBytes >= highWater)
        #expect(client.bufferedBodyBytes == stream.bufferedBytes)
        #expect(!server.events().contains("done bytes bp"), "the server must be held back by TCP flow control")

        var offset = 0
        var mismatches = 0
        var largestBuffer = 0
        for try await chunk in stream {
            largestBuffer = max(largestBuffer, stream.bufferedBytes)
            if !Fixtures.matchesPattern(chunk, at: offset) { mismatches += 1 }
            offset += chunk.count
        }
        #expect(offset == total)
        #expect(mismatches == 0)
        #expect(largestBuffer <= bound)
        #expect(client.bufferedBodyBytes == 0)
    }

    @Test func watchLinesAreFramedAcrossChunkBoundaries() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/lines?count=500&split=7&id=l"))
        var numbers: [Int] = []
        for try await line in stream.lines() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let n = try #require(object["n"] as? Int)
            #expect(object["type"] as? String == "ADDED")
            #expect((object["pad"] as? String)?.count == (n * 37) % 301)
            numbers.append(n)
        }
        #expect(numbers == Array(0..<500))
    }

    @Test func overlongLineEndsTheStream() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/lines?count=50&split=100&pad=2000"))
        var count = 0
        let error = await #expect(throws: UpstreamError.self) {
            for try await _ in stream.lines(maxLineBytes: 1000) { count += 1 }
        }
        #expect(error?.kind == .tooLarge)
        #expect(count > 0, "the short lines before the long one are delivered")
    }

    @Test func cancelAbortsTheTransfer() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/hold?id=c1"))
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == Array("hello\n".utf8))
        stream.cancel()
        try await server.waitForEvent("disconnect hold c1")
        await #expect(throws: CancellationError.self) { _ = try await iterator.next() }
    }

    @Test func cancellingTheReadingTaskAbortsTheTransfer() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/hold?id=c2"))
        let reader = Task {
            var received = 0
            for try await chunk in stream { received += chunk.count }
            return received
        }
        try await server.waitForEvent("start hold c2")
        reader.cancel()
        try await server.waitForEvent("disconnect hold c2")
        await #expect(throws: CancellationError.self) { _ = try await reader.value }
    }

    @Test func droppingTheStreamAbortsTheTransfer() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        var stream: UpstreamStream? = try await client.stream(UpstreamRequest(pathAndQuery: "/hold?id=c3"))
        #expect(stream?.status == 200)
        stream = nil
        try await server.waitForEvent("disconnect hold c3")
    }

    @Test func cancellingBeforeTheHeadAbortsTheTransfer() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let opener = Task { try await client.stream(UpstreamRequest(pathAndQuery: "/hold-head?id=c4")) }
        try await server.waitForEvent("start hold-head c4")
        opener.cancel()
        await #expect(throws: CancellationError.self) { _ = try await opener.value }
        try await server.waitForEvent("disconnect hold-head c4")
    }

    @Test func manyConcurrentStreamsShareOneLoopThread() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }
        let streams = 200

        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<streams {
                group.addTask {
                    let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/lines?count=20&split=5&id=m\(index)"))
                    var count = 0
                    for try await line in stream.lines() {
                        let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                        if object?["n"] as? Int == count { count += 1 }
                    }
                    return count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 20, count: streams))
        #expect(client.loopThreadsStarted == 1)
        #expect(client.callbackThreadCount == 1)
    }

    @Test func shutdownFailsOpenStreamsAndNewRequests() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/hold?id=s"))
        var iterator = stream.makeAsyncIterator()
        _ = try await iterator.next()
        client.shutdown()
        let error = await #expect(throws: UpstreamError.self) { _ = try await iterator.next() }
        #expect(error?.kind == .shutdown)
        try await server.waitForEvent("disconnect hold s")
        let refused = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        #expect(refused?.kind == .shutdown)
    }
}
