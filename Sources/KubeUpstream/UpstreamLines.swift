/// The lines of an `UpstreamStream` (one watch event each), as an async sequence.
///
/// Built on `LineFramer`, so lines split across chunks come out whole and a line over
/// `maxLineBytes` throws `.tooLarge` and cancels the transfer. Iterating holds the stream;
/// cancelling the task cancels the transfer.
public struct UpstreamLines: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    let stream: UpstreamStream
    let maxLineBytes: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: stream, framer: LineFramer(maxLineBytes: maxLineBytes))
    }

    /// Reads chunks from the stream and hands out whole lines; one consumer at a time.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = [UInt8]
        public typealias Failure = any Error

        let stream: UpstreamStream
        var framer: LineFramer
        /// Lines framed but not yet returned: `ready[next...]`.
        var ready: [[UInt8]] = []
        var next = 0
        var finished = false

        public mutating func next() async throws -> [UInt8]? {
            while true {
                if next < ready.count {
                    defer { next += 1 }
                    return ready[next]
                }
                ready.removeAll(keepingCapacity: true)
                next = 0
                if finished { return nil }
                guard let chunk = try await stream.channel.next() else {
                    finished = true
                    return framer.finish()
                }
                do {
                    ready = try framer.append(chunk)
                } catch {
                    stream.cancel()
                    throw error
                }
            }
        }
    }
}
