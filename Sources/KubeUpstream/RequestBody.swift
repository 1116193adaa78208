/// The body of an upstream request: bytes in memory, or bytes produced while the request is
/// already under way (passthrough of a client's upload).
///
/// A streamed body is written through a `RequestBodyWriter` whose `write` suspends while the
/// client's upload buffer is full (back-pressure up to the producer). With a known
/// `contentLength` the producer must write exactly that many bytes; without one the body is
/// sent chunked (HTTP/1.1) or as DATA frames (HTTP/2). Only in-memory bodies can be replayed,
/// so only they are retried after a 401.
public struct RequestBody: Sendable {
    /// In-memory bytes (replayable) or a producer run while the request is under way.
    enum Storage: Sendable {
        case bytes([UInt8])
        case stream(contentLength: Int?, produce: @Sendable (RequestBodyWriter) async throws -> Void)
    }

    let storage: Storage

    public static func bytes(_ bytes: [UInt8]) -> RequestBody {
        RequestBody(storage: .bytes(bytes))
    }

    /// A body written by `produce`; the transfer fails if it throws.
    public static func writer(
        contentLength: Int?, _ produce: @escaping @Sendable (RequestBodyWriter) async throws -> Void
    ) -> RequestBody {
        RequestBody(storage: .stream(contentLength: contentLength, produce: produce))
    }

    /// A body taken from an async sequence of byte chunks.
    public static func stream<Source: AsyncSequence & Sendable>(
        _ source: Source, contentLength: Int?
    ) -> RequestBody where Source.Element == [UInt8] {
        writer(contentLength: contentLength) { writer in
            for try await chunk in source { try await writer.write(chunk) }
        }
    }

    var contentLength: Int? {
        switch storage {
        case .bytes(let bytes): return bytes.count
        case .stream(let length, _): return length
        }
    }

    var isReplayable: Bool {
        if case .bytes = storage { return true }
        return false
    }
}

/// Hands request-body bytes to an in-flight transfer. `write` suspends while the upload buffer
/// is full and throws `CancellationError` once the transfer has ended.
public struct RequestBodyWriter: Sendable {
    let channel: TransferChannel

    public func write(_ bytes: [UInt8]) async throws {
        try await channel.writeUpload(bytes)
    }
}
