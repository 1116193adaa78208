import KubeAPI
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// kcache's HTTP/1.1 server (SwiftNIO): accepts clients, hands each connection an
/// `HTTPConnectionHandler`, and shuts down gracefully.
///
/// A `Service`: `run()` binds, serves until graceful shutdown is triggered (SIGTERM/SIGINT
/// through the ServiceGroup), then stops accepting, lets in-flight requests finish (watches
/// end at once; clients re-watch), and returns when every connection is closed.
public final class HTTPServer: Service {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8001
        public var limits = ServerLimits()
        /// TLS, when serving HTTPS.
        public var tls: NIOSSLContext?

        public init() {}
    }

    public let configuration: Configuration
    private let router: Router
    private let observer: any RequestObserver
    private let group: any EventLoopGroup
    private let logger: Logger
    private let batchers = EventLoopBatchers()
    /// The bound address once listening; set once by `run()`.
    private let bound = Mutex<BoundState>(BoundState())

    private struct BoundState {
        var address: SocketAddress?
        var waiters: [CheckedContinuation<SocketAddress, any Error>] = []
        var failure: (any Error)?
    }

    public init(
        configuration: Configuration, router: Router, observer: any RequestObserver,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        self.configuration = configuration
        self.router = router
        self.observer = observer
        self.group = group
        self.logger = logger
    }

    /// The address the server listens on, once bound (waits for it).
    public func localAddress() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<SocketAddress, any Error>? = bound.withLock { state in
                if let address = state.address { return .success(address) }
                if let failure = state.failure { return .failure(failure) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    public func run() async throws {
        let quiesce = ServerQuiescingHelper(group: group)
        let channel: any Channel
        do {
            channel = try await bootstrap(quiesce: quiesce).bind(host: configuration.host, port: configuration.port).get()
        } catch {
            let waiters = bound.withLock { state in
                state.failure = error
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        let address = channel.localAddress!
        let waiters = bound.withLock { state in
            state.address = address
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: address) }
        logger.info("listening", metadata: ["address": "\(address)", "tls": "\(configuration.tls != nil)"])

        let fullyShutdown = group.next().makePromise(of: Void.self)
        try await withGracefulShutdownHandler {
            try await fullyShutdown.futureResult.get()
        } onGracefulShutdown: { [logger] in
            logger.info("shutting down: closing connections")
            quiesce.initiateShutdown(promise: fullyShutdown)
        }
    }

    private func bootstrap(quiesce: ServerQuiescingHelper) -> ServerBootstrap {
        let configuration = self.configuration
        let router = self.router
        let observer = self.observer
        let batchers = self.batchers
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(
                        channel.pipeline.syncOperations, configuration: configuration, router: router, observer: observer,
                        batchers: batchers)
                }
            }
    }

    private static func configure(
        _ pipeline: ChannelPipeline.SynchronousOperations, configuration: Configuration, router: Router,
        observer: any RequestObserver, batchers: EventLoopBatchers
    ) throws {
        try pipeline.addHandler(ShutdownNotifier())
        if let tls = configuration.tls {
            try pipeline.addHandler(NIOSSLServerHandler(context: tls))
        }
        let limits = configuration.limits
        let connection = HTTPConnectionHandler(router: router, limits: limits, observer: observer, batchers: batchers)
        try pipeline.addHandler(CachedReadFastPath(router: router, connection: connection))
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        try pipeline.configureHTTPServerPipeline(
            // No outbound header validation: every header kcache writes is its own (constants,
            // numbers, dates) or one libcurl parsed from a single upstream header line, so none
            // can carry CR or LF; validating each response's headers again costs ~7% of a GET.
            withPipeliningAssistance: true, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        // Before the compressor: an error answer to a request whose head never decoded must not
        // pass through it (it pairs every response head with a request head it saw, and traps
        // on one without).
        try pipeline.addHandler(ProtocolErrorHandler(observer: observer))
        try pipeline.addHandler(HTTPResponseCompressor(responseCompressionPredicate: Compression.shouldCompress))
        try pipeline.addHandler(connection)
    }
}

/// gzip for large non-watch bodies, as the API server does (KUBERNETES.md): responses over
/// 128 KiB, when the client accepts it. The connection handler marks the responses that
/// qualify; the marker never leaves the process.
enum Compression {
    static let threshold = 128 << 10
    static let markerHeader = "X-Kcache-Compressible"

    static func shouldCompress(_ head: inout HTTPResponseHead, clientAccepts: Bool) -> HTTPResponseCompressor.CompressionIntent {
        guard head.headers.contains(name: markerHeader) else { return .doNotCompress }
        head.headers.remove(name: markerHeader)
        guard clientAccepts else { return .doNotCompress }
        // The compressor rewrites Content-Length only when it holds the whole response at its
        // first flush; a streamed LIST flushes the head first, which would leave the
        // uncompressed length on a gzip body. Without it, the body goes out chunked.
        head.headers.remove(name: "Content-Length")
        return .compressIfPossible
    }
}
