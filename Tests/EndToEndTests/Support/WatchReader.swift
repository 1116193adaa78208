import Foundation
import KubeTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A watch client for tests that move many bytes or control the reading: the body is split
/// into event lines with `memchr` (a debug build's per-byte loop over a `ByteBufferView`
/// costs about a microsecond a byte, which dominates tests that stream megabytes to hundreds
/// of watchers), and reading is either automatic or driven by the test.
///
/// - `.automatic`: reads as fast as data arrives, like `TestHTTPClient.watch`.
/// - `.manual`: a small receive buffer, `autoRead` off, and at most `readSize` bytes per
///   `readOnce()`, so the server's writes stall as soon as the kernel buffers are full and
///   resume only as the test reads: a stalled watcher (like `TestHTTPClient.stalledWatch`)
///   that can later `drain()` to show what the server sent and how the stream ended, or a
///   slow one.
///
/// Thread-safe; manual reads are driven by one test task.
final class WatchReader: Sendable {
    enum Reading: Sendable {
        case automatic
        case manual(receiveBufferSize: Int, readSize: Int)
    }

    private let channel: any Channel
    private let collected: Collected

    /// What has arrived so far; written on the event loop, read by the test.
    final class Collected: Sendable {
        struct State {
            var status: Int?
            var headers: [(String, String)] = []
            var partial: [UInt8] = []
            var events: [WatchEvent] = []
            var received = 0
            var bodyBytes = 0
            /// Socket reads completed (`channelReadComplete`).
            var reads = 0
            var end: WatchStream.EndReason?
        }
        let state = Mutex(State())
    }

    private init(channel: any Channel, collected: Collected) {
        self.channel = channel
        self.collected = collected
    }

    /// Connects, sends `GET target` with `headers`, and returns once the response head has
    /// arrived (reading for it in manual mode).
    static func open(
        _ url: String, headers: [(String, String)] = [], reading: Reading = .automatic,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WatchReader {
        let (host, port, target) = try split(url)
        let collected = Collected()
        var bootstrap = ClientBootstrap(group: group).channelOption(.socketOption(.tcp_nodelay), value: 1)
        if case .manual(let receiveBufferSize, let readSize) = reading {
            bootstrap = bootstrap
                .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize))
                .channelOption(.autoRead, value: false)
                .channelOption(.maxMessagesPerRead, value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: readSize))
        }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReadCounter(collected: collected))
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(collected: collected))
                }
            }
            .connect(host: host, port: port).get()
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        try await channel.writeAndFlush(HTTPClientRequestPart.head(head)).get()
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        let reader = WatchReader(channel: channel, collected: collected)
        if case .manual = reading {
            while reader.status == nil && reader.endReason == nil {
                try await reader.readOnce()
            }
        } else {
            try await waitUntil(timeout: .seconds(60), "the response head of \(target)") {
                reader.status != nil || reader.endReason != nil
            }
        }
        return reader
    }

    private static func split(_ url: String) throws -> (String, Int, String) {
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        guard url.hasPrefix("http://"), let colon = authority.lastIndex(of: ":"),
              let port = Int(authority[authority.index(after: colon)...])
        else { throw TestHTTPClient.ClientError.invalidURL(url) }
        return (String(authority[..<colon]), port, String(rest[slash...]))
    }

    var status: Int? { collected.state.withLock { $0.status } }

    func header(_ name: String) -> String? {
        collected.state.withLock { $0.headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// How the stream ended, nil while open.
    var endReason: WatchStream.EndReason? { collected.state.withLock { $0.end } }

    /// Body bytes decoded so far.
    var bodyBytes: Int { collected.state.withLock { $0.bodyBytes } }

    /// Complete event lines received in total.
    var receivedCount: Int { collected.state.withLock { $0.received } }

    /// Complete event lines received and not yet taken.
    var pending: Int { collected.state.withLock { $0.events.count } }

    /// Takes the complete event lines received so far.
    func take() -> [WatchEvent] {
        collected.state.withLock { state in
            defer { state.events = [] }
            return state.events
        }
    }

    /// Waits until `count` events not yet taken have arrived (or the stream has ended), then
    /// takes and parses every event received.
    func receive(_ count: Int, timeout: Duration = .seconds(60), _ what: String = "") async throws -> [ParsedEvent] {
        try await waitUntil(timeout: timeout, "\(count) events on a watch \(what) (have \(pending))") {
            pending >= count || endReason != nil
        }
        return take().map(ParsedEvent.init)
    }

    /// Asks for one socket read (at most `readSize` bytes; manual mode) and waits until it has
    /// completed or the connection has closed.
    func readOnce(timeout: Duration = .seconds(60)) async throws {
        let before = collected.state.withLock { $0.reads }
        channel.read()
        try await waitUntil(timeout: timeout, pollInterval: .microseconds(200), "a socket read to complete") {
            collected.state.withLock { $0.reads > before || $0.end != nil }
        }
    }

    /// Reads everything from now on, as fast as it arrives.
    func drain() async throws {
        try await channel.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator()).get()
        try await channel.setOption(.maxMessagesPerRead, value: 16).get()
        try await channel.setOption(.autoRead, value: true).get()
        channel.read()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Counts completed socket reads; passes the bytes on unchanged.
private final class ReadCounter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let collected: WatchReader.Collected

    init(collected: WatchReader.Collected) {
        self.collected = collected
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        collected.state.withLock { $0.reads += 1 }
        context.fireChannelReadComplete()
    }
}

/// Collects the decoded response: head, body lines, and how it ended.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let collected: WatchReader.Collected

    init(collected: WatchReader.Collected) {
        self.collected = collected
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        collected.state.withLock { state in
            switch part {
            case .head(let head):
                state.status = Int(head.status.code)
                state.headers = head.headers.map { ($0.name, $0.value) }
            case .body(let buffer):
                state.bodyBytes += buffer.readableBytes
                buffer.withUnsafeReadableBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    var start = 0
                    while start < bytes.count, let found = memchr(base + start, 0x0A, bytes.count - start) {
                        let end = base.distance(to: UnsafeRawPointer(found))
                        state.partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                        if !state.partial.isEmpty {
                            state.events.append(WatchEvent(line: state.partial))
                            state.received += 1
                        }
                        state.partial = []
                        start = end + 1
                    }
                    if start < bytes.count {
                        state.partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                    }
                }
            case .end:
                if state.end == nil { state.end = .completed }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        collected.state.withLock { state in
            if state.end == nil { state.end = .closed }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
