import KubeAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `struct linger` (the class's `linger(parts:channel:)` hides the name inside it).
private typealias SocketLinger = linger

/// KubeSim's HTTP/1.1 listener on SwiftNIO (optionally TLS via NIOSSL): accepts connections,
/// reads each request whole (bounded at `maximumBodyBytes`, answering 413 beyond), hands it to
/// `SimRouter`, and writes the answer — a full body, or a chunked watch stream with one chunk
/// per event under NIO back-pressure.
///
/// Each connection runs in its own child task; requests on a connection are served one after
/// another (keep-alive). `shutdown()` closes the listener and every open connection.
final class HTTPServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let router: SimRouter
    private let group: any EventLoopGroup
    private let logger: Logger
    private let maximumBodyBytes: Int
    private let sslContext: NIOSSLContext?
    private struct State: Sendable {
        var serverChannel: (any Channel)?
        var acceptTask: Task<Void, Never>?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var port = 0
    }
    private let state = Mutex(State())
    /// How long a connection to be closed waits for the client to close it first.
    static let lingerTimeout: Duration = .seconds(10)

    init(router: SimRouter, group: any EventLoopGroup, logger: Logger, maximumBodyBytes: Int, sslContext: NIOSSLContext?) {
        self.router = router
        self.group = group
        self.logger = logger
        self.maximumBodyBytes = maximumBodyBytes
        self.sslContext = sslContext
    }

    var port: Int { state.withLock { $0.port } }

    /// Binds and starts accepting; returns once the socket is bound.
    /// Binds and starts accepting; returns once the socket is bound. Each accepted
    /// connection gets TLS (when configured) and NIO's HTTP/1.1 server pipeline.
    func start(host: String, port: Int) async throws {
        let sslContext = self.sslContext
        let serverChannel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = serverChannel.channel.localAddress?.port ?? port
        let task = Task { [self] in
            await withDiscardingTaskGroup { group in
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                } catch {
                    self.logger.debug("listener ended", metadata: ["error": "\(error)"])
                }
            }
        }
        state.withLock {
            $0.serverChannel = serverChannel.channel
            $0.acceptTask = task
            $0.port = boundPort
        }
    }

    /// Closes the listener and every open connection, then waits for their tasks to end.
    func shutdown() async {
        let (server, task, connections) = state.withLock { state in
            (state.serverChannel, state.acceptTask, Array(state.connections.values))
        }
        try? await server?.close()
        for connection in connections { try? await connection.close() }
        await task?.value
    }

    /// Serves one connection: request after request until the client closes, a response says
    /// `Connection: close`, a body is too large (413, then close) or a watch is dropped.
    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        let id = ObjectIdentifier(channel)
        state.withLock { $0.connections[id] = channel }
        defer { _ = state.withLock { $0.connections.removeValue(forKey: id) } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    let declaredLength = head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
                    if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                        if declaredLength > maximumBodyBytes {
                            // Refuse before the body is sent; the client will not send it.
                            let status = Status.requestEntityTooLarge("Request entity too large: limit is \(maximumBodyBytes)")
                            _ = try await write(.json(status.code, status.jsonBytes, headers: [("Connection", "close")]),
                                                for: head, to: outbound, channel: channel)
                            await linger(parts: &parts, channel: channel)
                            return
                        }
                        // curl asks before sending a large body; answer at once instead of
                        // making it wait a second.
                        try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
                    }
                    var body: [UInt8] = []
                    var tooLarge = false
                    reading: while let next = try await parts.next() {
                        switch next {
                        case .body(let buffer):
                            if body.count + buffer.readableBytes > maximumBodyBytes {
                                tooLarge = true
                                body = []
                            } else if !tooLarge {
                                body.append(contentsOf: buffer.readableBytesView)
                            }
                        case .end:
                            break reading
                        case .head:
                            continue
                        }
                    }
                    let response: SimResponse
                    if tooLarge {
                        let status = Status.requestEntityTooLarge("Request entity too large: limit is \(maximumBodyBytes)")
                        response = .json(status.code, status.jsonBytes, headers: [("Connection", "close")])
                    } else {
                        let request = SimRequest(
                            method: head.method.rawValue, uri: head.uri,
                            headers: head.headers.map { ($0.name, $0.value) }, body: body)
                        response = await router.handle(request)
                    }
                    let keepAlive = try await write(response, for: head, to: outbound, channel: channel)
                    if !keepAlive || tooLarge {
                        await linger(parts: &parts, channel: channel)
                        return
                    }
                }
            }
        } catch {
            logger.trace("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Before closing a connection: closing now would drop response bytes NIO has not written
    /// yet (a channel's close fails its pending writes), so let the client, which was told
    /// `Connection: close`, close first; give up after `lingerTimeout`.
    private func linger(parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator, channel: any Channel) async {
        let guardTask = Task {
            try? await Task.sleep(for: HTTPServer.lingerTimeout)
            channel.close(promise: nil)
        }
        while (try? await parts.next()) != nil {}
        guardTask.cancel()
    }

    /// Resets the connection (TCP RST: linger 0, then close) after flushing what was written,
    /// and throws to end the response: the `Misbehaviour` cuts.
    private static func reset(_ channel: any Channel) async throws {
        channel.flush()
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(SocketLinger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
        throw StreamCut()
    }

    /// A response ended by a `Misbehaviour` cut.
    struct StreamCut: Error {}

    /// Writes one response; returns whether the connection may serve another request.
    private func write(
        _ response: SimResponse, for request: HTTPRequestHead, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        channel: any Channel
    ) async throws -> Bool {
        var headers = HTTPHeaders()
        headers.add(name: "Audit-Id", value: ObjectMeta.newUID())
        headers.add(name: "Cache-Control", value: "no-cache, private")
        switch response {
        case .full(let status, let extra, let body):
            for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            if !request.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            try await outbound.write(.head(head))
            if request.method != .HEAD, !body.isEmpty {
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            }
            try await outbound.write(.end(nil))
            return request.isKeepAlive && !extra.contains { $0.0 == "Connection" && $0.1 == "close" }
        case .stream(let status, let extra, let body):
            for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            if !request.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            try await outbound.write(.head(HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: status), headers: headers)))
            if request.method != .HEAD {
                var cut = router.faults.misbehaviour.cutsList()
                try await body { bytes in
                    if cut {  // Misbehaviour: half of the first piece, then a reset.
                        cut = false
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes.prefix(max(bytes.count / 2, 1))))))
                        try await Self.reset(channel)
                    }
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                }
            }
            try await outbound.write(.end(nil))
            return request.isKeepAlive
        case .watch(let session):
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Transfer-Encoding", value: "chunked")
            try await outbound.write(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers)))
            // The client leaving ends the watch even when no event is due.
            // Weak: on a keep-alive connection the callback outlives the watch, and the session
            // holds its replay (possibly every object of the resource).
            channel.closeFuture.whenComplete { [weak session] _ in session?.abort() }
            session.onAbort { channel.close(promise: nil) }
            let tap = router.faults.misbehaviour.watchTap()
            await session.run { bytes in
                let (bytes, cut) = tap.next(bytes)  // Misbehaviour: injected lines, cuts
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                if cut { try await Self.reset(channel) }
            }
            if session.wasAborted {
                return false
            }
            try await outbound.write(.end(nil))
            return request.isKeepAlive
        }
    }
}
