import Foundation
import Testing
@testable import KubeUpstream

/// Streamed request bodies: the read callback pauses while the producer has nothing and
/// resumes when it writes; chunked without a length, exact with one.
@Suite struct RequestBodyTests {
    /// A producer that writes in bursts, waiting between them until libcurl has drained its
    /// buffer and paused the upload for lack of data.
    @Test func streamedBodyWithoutLengthIsSentChunkedAcrossPauses() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server) { $0.uploadBufferBytes = 64 << 10 }
        defer { client.shutdown() }
        let pieces = (0..<40).map { index in [UInt8](repeating: UInt8(index), count: 10_000 + index) }
        let (source, continuation) = AsyncStream<[UInt8]>.makeStream()
        let feeder = Task {
            for piece in pieces {
                continuation.yield(piece)
                try await Task.sleep(for: .milliseconds(2))  // pacing only: correctness does not depend on it
            }
            continuation.finish()
        }

        let response = try await client.send(UpstreamRequest(
            method: "PUT", pathAndQuery: "/echo", body: .stream(source, contentLength: nil)))
        try await feeder.value

        let echo = try Fixtures.echo(response)
        let all = pieces.flatMap { $0 }
        #expect(echo.method == "PUT")
        #expect(echo.chunked)
        #expect(echo.body_length == all.count)
        #expect(echo.body_sha256 == sha256Hex(all))
    }

    /// The producer blocks on a gate after its first chunk: the transfer must pause (not end or
    /// spin) until the producer continues.
    @Test func uploadPausesUntilTheProducerWritesAgain() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }
        let (gate, open) = AsyncStream<Void>.makeStream()
        let first = [UInt8](repeating: 1, count: 1000), second = [UInt8](repeating: 2, count: 3000)
        let body = RequestBody.writer(contentLength: 4000) { writer in
            try await writer.write(first)
            for await _ in gate { break }
            try await writer.write(second)
        }

        let request = Task {
            try await client.send(UpstreamRequest(method: "POST", pathAndQuery: "/echo", body: body))
        }
        try await waitUntil("the upload to pause for lack of data") { client.uploadPauseCount >= 1 }
        open.yield()
        let echo = try Fixtures.echo(try await request.value)
        #expect(!echo.chunked)
        #expect(echo.header("Content-Length") == "4000")
        #expect(echo.body_sha256 == sha256Hex(first + second))
    }

    @Test func bodyLongerThanItsLengthFailsTheRequest() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }
        let body = RequestBody.writer(contentLength: 10) { writer in
            try await writer.write([UInt8](repeating: 0, count: 8))
            try await writer.write([UInt8](repeating: 0, count: 8))
        }
        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(method: "POST", pathAndQuery: "/echo", body: body))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message == "request body is longer than its Content-Length 10")
    }

    @Test func failingBodySourceFailsTheRequest() async throws {
        struct SourceBroke: Error {}
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }
        let body = RequestBody.writer(contentLength: nil) { writer in
            try await writer.write([1, 2, 3])
            throw SourceBroke()
        }
        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(method: "POST", pathAndQuery: "/echo", body: body))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.hasPrefix("the request body source failed: ") == true)
    }
}
