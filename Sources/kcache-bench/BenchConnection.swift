import NIOCore
import NIOHTTP1
import NIOPosix

/// One kept-alive HTTP/1.1 connection that the benchmark times requests on: the same client for
/// kcache, nginx, KubeSim and `kubectl proxy`, so the client's own cost is the same on both sides
/// of every ratio.
///
/// It reads every body byte (a response is complete at its last byte, not at its head) and
/// keeps the bytes only when asked, so a 300 MB LIST costs the client a decode and a count, not
/// a copy. Requests on one connection are sequential; use one connection per concurrent caller.
/// Thread-safe.
final class BenchConnection: Sendable {
    /// A finished response.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var bodyBytes: Int
        /// The body, when the request asked for it.
        var body: [UInt8]?

        func header(_ name: String) -> String? { headers.first(name: name) }

        /// `cache` or `upstream` for kcache's answers (DESIGN.md invariant 5).
        var source: String? { header("X-Kcache-Source") }
    }

    struct ConnectionError: Error, CustomStringConvertible {
        var description: String
    }

    let channel: any Channel
    let host: String
    let port: Int

    private init(channel: any Channel, host: String, port: Int) {
        self.channel = channel
        self.host = host
        self.port = port
    }

    static func connect(host: String = "127.0.0.1", port: Int,
                        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> BenchConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector())
                }
            }
            .connect(host: host, port: port).get()
        return BenchConnection(channel: channel, host: host, port: port)
    }

    /// Connects, runs `body`, and closes the connection however `body` ends.
    static func with<T>(port: Int, _ body: (BenchConnection) async throws -> T) async throws -> T {
        let connection = try await connect(port: port)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Sends `GET target` and waits for the whole response.
    func get(_ target: String, headers: [(String, String)] = [], keepBody: Bool = false) async throws -> Response {
        try await request("GET", target, headers: headers, keepBody: keepBody)
    }

    /// Sends one request (with an optional body) and waits for the whole response.
    func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                 keepBody: Bool = false) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.add(name: "Content-Length", value: String(body.count)) }
        let promise = channel.eventLoop.makePromise(of: Response.self)
        let pending = ResponseCollector.Pending(head: head, body: body, keepBody: keepBody, promise: promise)
        // The write succeeds once the collector has queued the request (it then owns the
        // response promise); it fails only if the request never reached the collector.
        let queued = channel.eventLoop.makePromise(of: Void.self)
        queued.futureResult.whenFailure { promise.fail($0) }
        channel.writeAndFlush(pending, promise: queued)
        return try await promise.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Pairs each request written on the connection with its response, in order; fails every
/// pending request when the connection closes. A request's write promise succeeds as soon as
/// the request is queued here (from then on its response promise is this handler's to
/// complete). Confined to the channel's event loop.
private final class ResponseCollector: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Pending
    typealias OutboundOut = HTTPClientRequestPart

    struct Pending: Sendable {
        var head: HTTPRequestHead
        var body: [UInt8]?
        var keepBody: Bool
        var promise: EventLoopPromise<BenchConnection.Response>
    }

    private var queue: [Pending] = []
    private var head: HTTPResponseHead?
    private var bytes = 0
    private var body: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let pending = unwrapOutboundIn(data)
        queue.append(pending)
        context.write(wrapOutboundOut(.head(pending.head)), promise: nil)
        if let body = pending.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        promise?.succeed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            bytes = 0
            body = []
        case .body(let buffer):
            bytes += buffer.readableBytes
            if queue.first?.keepBody == true { body.append(contentsOf: buffer.readableBytesView) }
        case .end:
            guard !queue.isEmpty, let head else { return }
            let pending = queue.removeFirst()
            pending.promise.succeed(.init(
                status: Int(head.status.code), headers: head.headers, bodyBytes: bytes,
                body: pending.keepBody ? body : nil))
            self.head = nil
            body = []
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(BenchConnection.ConnectionError(description: "connection closed before the response was complete"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        let pending = queue
        queue = []
        for request in pending { request.promise.fail(error) }
    }
}
