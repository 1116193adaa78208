/// A response whose head has arrived and whose body arrives as it is read: an async sequence
/// of byte chunks in order, ending cleanly at the end of the body or throwing the transport
/// error that cut it.
///
/// Back-pressure: libcurl is paused while `UpstreamClient.Configuration.streamBufferBytes` are
/// buffered and resumed when the reader has drained a quarter of them, so a slow reader slows
/// the upstream instead of growing memory. Iterate once (one iterator at a time). Cancelling
/// the iterating task, calling `cancel()`, or releasing the stream aborts the transfer; the
/// iterator then throws `CancellationError`.
public final class UpstreamStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    public let status: Int
    public let headers: HeaderFields
    /// `HTTP/1.1` or `HTTP/2`.
    public let httpVersion: String
    let channel: TransferChannel

    init(head: ResponseHead, channel: TransferChannel) {
        self.status = head.status
        self.headers = head.headers
        self.httpVersion = head.httpVersion
        self.channel = channel
    }

    deinit {
        channel.cancel()  // a no-op once the body was read to its end
    }

    /// Aborts the transfer; readers throw `CancellationError`. Idempotent.
    public func cancel() {
        channel.cancel()
    }

    /// The body as newline-terminated lines (watch events), each without its `\n`.
    public func lines(maxLineBytes: Int = 16 << 20) -> UpstreamLines {
        UpstreamLines(stream: self, maxLineBytes: maxLineBytes)
    }

    /// Bytes received from libcurl and not yet read.
    var bufferedBytes: Int { channel.bufferedBytes }
    /// Body bytes libcurl has handed over so far (read or buffered).
    var deliveredBytes: Int { channel.deliveredBytes }
    var isPaused: Bool { channel.isReceivePaused }

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: self)
    }

    /// Hands out body chunks in order; one consumer at a time.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = [UInt8]
        public typealias Failure = any Error
        /// Keeps the stream (and so the transfer) alive while iterating.
        let stream: UpstreamStream

        public mutating func next() async throws -> [UInt8]? {
            try await stream.channel.next()
        }
    }
}
