#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A watch a benchmark holds open: the request is sent at `open`, which returns with the
/// response's status; then every event line is scanned, on the event loop as it arrives, for a
/// sequence number the benchmark wrote into the object (`"<marker>":"<n>"`), and the number is
/// recorded with the time the bytes carrying the line's end were read.
///
/// The time is taken once per socket read, before any scanning, so the client's own work does
/// not add to the latency it measures for that read. Lines are not parsed as JSON.
/// Thread-safe.
final class WatchConnection: Sendable {
    let channel: any Channel
    let recorder: WatchRecorder

    private init(channel: any Channel, recorder: WatchRecorder) {
        self.channel = channel
        self.recorder = recorder
    }

    /// Connects, sends `GET target` and waits for the response head; throws unless it is 200.
    static func open(port: Int, target: String, marker: String,
                     group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> WatchConnection {
        let recorder = WatchRecorder()
        let opened = group.next().makePromise(of: Int.self)
        let markerBytes = Array("\"\(marker)\":\"".utf8)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        WatchLineHandler(recorder: recorder, marker: markerBytes, opened: opened))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        head.headers.add(name: "Accept", value: "application/json")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let status = try await opened.futureResult.get()
        guard status == 200 else {
            try? await channel.close()
            throw BenchConnection.ConnectionError(description: "watch \(target) answered \(status)")
        }
        return WatchConnection(channel: channel, recorder: recorder)
    }

    func close() async {
        try? await channel.close()
    }
}

/// What one watch received: the marked sequence numbers with their arrival times, and counts.
/// Written on the event loop, read by the benchmark; guarded by the mutex.
final class WatchRecorder: Sendable {
    struct State: Sendable {
        var lines = 0
        var bookmarks = 0
        var marked: [(sequence: Int, at: ContinuousClock.Instant)] = []
        var isClosed = false
    }

    let state = Mutex(State())

    var lines: Int { state.withLock { $0.lines } }
    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// The highest sequence number received so far (-1 for none).
    var lastSequence: Int { state.withLock { $0.marked.last?.sequence ?? -1 } }

    /// Takes the marked arrivals recorded so far, leaving none.
    func takeMarked() -> [(sequence: Int, at: ContinuousClock.Instant)] {
        state.withLock { state in
            defer { state.marked = [] }
            return state.marked
        }
    }
}

/// Splits a watch body into lines and records marked ones. Confined to its event loop.
private final class WatchLineHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let recorder: WatchRecorder
    private let marker: [UInt8]
    private var opened: EventLoopPromise<Int>?
    /// The start of a line whose end has not arrived yet.
    private var partial: [UInt8] = []

    init(recorder: WatchRecorder, marker: [UInt8], opened: EventLoopPromise<Int>) {
        self.recorder = recorder
        self.marker = marker
        self.opened = opened
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            opened?.succeed(Int(head.status.code))
            opened = nil
        case .body(let buffer):
            let now = ContinuousClock.now
            var found: [(sequence: Int, at: ContinuousClock.Instant)] = []
            var lines = 0
            var bookmarks = 0
            buffer.withUnsafeReadableBytes { raw in
                guard let base = raw.baseAddress else { return }
                var start = 0
                while start < raw.count {
                    guard let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), raw.count - start) else {
                        partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start...]))
                        return
                    }
                    let end = base.distance(to: UnsafeRawPointer(newline))
                    let segment = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                    let scan: (UnsafeRawBufferPointer) -> Void = { line in
                        lines += 1
                        if let sequence = self.sequence(in: line) {
                            found.append((sequence, now))
                        } else if self.isBookmark(line) {
                            bookmarks += 1
                        }
                    }
                    if partial.isEmpty {
                        scan(segment)
                    } else {
                        partial.append(contentsOf: segment)
                        partial.withUnsafeBytes { scan($0) }
                        partial = []
                    }
                    start = end + 1
                }
            }
            if lines > 0 {
                recorder.state.withLock { state in
                    state.lines += lines
                    state.bookmarks += bookmarks
                    state.marked.append(contentsOf: found)
                }
            }
        case .end:
            recorder.state.withLock { $0.isClosed = true }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        opened?.fail(BenchConnection.ConnectionError(description: "watch closed before its response head"))
        opened = nil
        recorder.state.withLock { $0.isClosed = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        opened?.fail(error)
        opened = nil
        context.close(promise: nil)
    }

    /// The digits after the marker, if the line has it.
    private func sequence(in line: UnsafeRawBufferPointer) -> Int? {
        guard line.count >= marker.count else { return nil }
        guard let hit = Self.find(marker, in: line) else { return nil }
        var index = hit + marker.count
        var value = 0
        var digits = 0
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            value = value * 10 + Int(line[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The offset of `needle` in `haystack` (memchr for its first byte, then memcmp; glibc's
    /// memmem is not visible to Swift without _GNU_SOURCE).
    static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress, let first = needle.first else { return nil }
        var start = 0
        while haystack.count - start >= needle.count {
            guard let hit = memchr(base + start, Int32(first), haystack.count - start - needle.count + 1) else { return nil }
            let offset = base.distance(to: UnsafeRawPointer(hit))
            let equal = needle.withUnsafeBytes { memcmp(base + offset, $0.baseAddress!, needle.count) == 0 }
            if equal { return offset }
            start = offset + 1
        }
        return nil
    }

    private static let bookmarkPrefix = Array(#"{"type":"BOOKMARK""#.utf8)

    private func isBookmark(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= Self.bookmarkPrefix.count && zip(line, Self.bookmarkPrefix).allSatisfy { $0 == $1 }
    }
}
