import NIOCore
import NIOHTTP1
import Synchronization

/// An open watch response: its head, and its events one line at a time.
///
/// A background task reads the body and queues one `WatchEvent` per line; `next(timeout:)`
/// takes them in order with a deadline, so tests wait on events rather than sleeping.
/// `endReason` tells a clean end of the chunked body (`.completed`: timeout, 410) from a
/// dropped connection (`.closed`). Thread-safe.
public final class WatchStream: Sendable, AsyncSequence {
    public typealias Element = WatchEvent

    public enum EndReason: Sendable, Equatable {
        /// The server ended the response normally (terminating chunk).
        case completed
        /// The connection closed without the terminating chunk (or was closed by `close()`).
        case closed
    }

    /// Thrown by `next(timeout:)` when no event arrives in time.
    public struct NoEvent: Error, CustomStringConvertible {
        public var timeout: Duration
        public var description: String { "no watch event within \(timeout)" }
    }

    public let status: Int
    public let headers: [(String, String)]
    private struct State: Sendable {
        var events: [WatchEvent] = []
        var partial: [UInt8] = []
        var end: EndReason?
        var received = 0
    }
    private let state = Mutex(State())
    private let channel: any Channel

    init(status: Int, headers: [(String, String)], channel: any Channel) {
        self.status = status
        self.headers = headers
        self.channel = channel
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The next event, nil when the stream has ended; throws `NoEvent` after `timeout`.
    public func next(timeout: Duration = .seconds(10)) async throws -> WatchEvent? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let taken = state.withLock { state -> (WatchEvent?, Bool) in
                if !state.events.isEmpty { return (state.events.removeFirst(), false) }
                return (nil, state.end != nil)
            }
            if let event = taken.0 { return event }
            if taken.1 { return nil }
            if clock.now >= deadline { throw NoEvent(timeout: timeout) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The next `count` events (throws if the stream ends or stalls first).
    public func next(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [WatchEvent] {
        var events: [WatchEvent] = []
        for _ in 0..<count {
            guard let event = try await next(timeout: timeout) else { break }
            events.append(event)
        }
        return events
    }

    /// Skips events until one satisfies `predicate`; returns it.
    public func first(timeout: Duration = .seconds(10), where predicate: (WatchEvent) -> Bool) async throws -> WatchEvent? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while let event = try await next(timeout: Swift.max(deadline - clock.now, .milliseconds(1))) {
            if predicate(event) { return event }
        }
        return nil
    }

    /// Events received so far and not yet taken.
    public var pending: Int { state.withLock { $0.events.count } }

    /// Events received in total.
    public var receivedCount: Int { state.withLock { $0.received } }

    /// How the stream ended, nil while open.
    public var endReason: EndReason? { state.withLock { $0.end } }

    /// Waits for the stream to end; returns how.
    public func waitForEnd(timeout: Duration = .seconds(10)) async throws -> EndReason {
        try await eventually(timeout: timeout, "the watch stream to end") { endReason }
    }

    /// Closes the connection.
    public func close() {
        channel.close(promise: nil)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: WatchStream
        public mutating func next() async throws -> WatchEvent? {
            try await stream.next(timeout: .seconds(3600))
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }

    func received(_ bytes: ByteBufferView) {
        state.withLock { state in
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    if !state.partial.isEmpty {
                        state.events.append(WatchEvent(line: state.partial))
                        state.received += 1
                    }
                    state.partial = []
                } else {
                    state.partial.append(byte)
                }
            }
        }
    }

    func ended(_ reason: EndReason) {
        state.withLock { state in
            if !state.partial.isEmpty {
                state.events.append(WatchEvent(line: state.partial))
                state.received += 1
                state.partial = []
            }
            if state.end == nil { state.end = reason }
        }
    }
}
