import KubeAPI
import KubeCache
import NIOCore
import NIOHTTP1

/// The HTTP/1.1 side of one client connection: turns request parts into a `ProxyRequest` for
/// the router and writes the `ProxyResponse` it gets back, with back-pressure.
///
/// Protocol work only — what to answer is the router's decision. Confined to the channel's
/// event loop, like every NIO handler; async work hops back through `NIOLoopBound`.
///
/// Responses stream: a cached LIST is written in pieces as the socket drains, a cached watch is
/// pulled from its `CacheWatcher` whenever the channel is writable (so a client that stops
/// reading stops the pulling, and the cache's lag bound ends it), an upstream body is written
/// chunk by chunk, each awaited. Requests are answered one at a time per connection, in order
/// (NIO's pipelining handler holds the next one back; `CachedReadFastPath`, in front, answers
/// what it can only while nothing here is in flight).
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    let limits: ServerLimits
    private let observer: any RequestObserver
    /// Coalesces watch wakeups per event loop.
    let batchers: EventLoopBatchers

    private var keepAlive = true
    /// The current request's body, while it is being read.
    private var body: (continuation: AsyncStream<[UInt8]>.Continuation, bytes: Int, ending: BodyEnding)?
    /// Set when the current request's body exceeded the cap.
    private var bodyTooLarge = false
    var responding: Responding = .idle
    /// True while `pump` runs: a writability change inside a write must not re-enter it.
    private var isPumping = false
    private var current: RequestRecord?
    private var isQuiescing = false
    /// When the connection closes unless a request head (or the rest of a body) arrives first;
    /// nil while a response is being produced.
    private var readDeadline: (deadline: NIODeadline, limit: ExceededLimit)?
    /// The one timer enforcing `readDeadline`, and when it fires. Keep-alive traffic only moves
    /// the deadline; the timer, when it fires early, re-arms itself for the deadline then
    /// current — no task is scheduled or cancelled per request.
    private var readTimer: Scheduled<Void>?
    private var readTimerFiresAt = NIODeadline.distantFuture
    /// This handler's context, for the calls `CachedReadFastPath` makes.
    private var context: ChannelHandlerContext?

    /// The router's answer to the head about to arrive, when `CachedReadFastPath` routed it
    /// already; taken by `receive`.
    var preRouted: (request: ProxyRequest, route: Route)?
    /// Responses ended so far; the connection is idle when it has received as many heads.
    private(set) var responsesFinished = 0
    /// Where this handler writes bytes it frames itself, in front of NIO's HTTP handlers:
    /// `CachedReadFastPath`'s context. Watch chunks (`writeWatchChunk`) and `100 Continue`
    /// go this way; nil without a fast path.
    var rawOutput: ChannelHandlerContext?

    /// What the connection is writing.
    enum Responding {
        case idle
        /// The router's async work is under way.
        case waiting
        case list(ListBodyWriter)
        case watch(ActiveWatch)
        /// An upstream body, written by a task.
        case upstream(Task<Void, Never>, cancel: @Sendable () -> Void)
    }

    struct ActiveWatch {
        var stream: WatchStream
        var deadline: NIODeadline?
        var timers: [Scheduled<Void>] = []
        /// The response has a body: not an answer to `HEAD`, whose body NIO's encoder drops.
        var hasBody: Bool
    }

    init(router: Router, limits: ServerLimits, observer: any RequestObserver, batchers: EventLoopBatchers) {
        self.router = router
        self.batchers = batchers
        self.limits = limits
        self.observer = observer
    }

    // MARK: Requests

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Whether another request may be answered on this connection: neither it nor the server
    /// is closing.
    var acceptsRequests: Bool { keepAlive && !isQuiescing && context?.channel.isActive == true }

    /// `CachedReadFastPath` answered `request` with `response`, complete, on this connection:
    /// count and log it, and keep the connection's idle timeout from now.
    func answeredAtOnce(_ request: ProxyRequest, response: ProxyResponse, start: ContinuousClock.Instant) {
        observer.completed(request, response: response, duration: .now - start)
        if let context { armReadTimer(limits.idleTimeout, for: .idleTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armReadTimer(limits.idleTimeout, for: .idleTimeout, context: context)
        context.fireChannelActive()
    }

    /// Closes the connection after `timeout` (counted against `limit`) unless re-armed or
    /// disarmed first.
    private func armReadTimer(_ timeout: Duration, for limit: ExceededLimit, context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        readDeadline = (deadline, limit)
        if readTimer == nil || readTimerFiresAt > deadline {
            scheduleReadTimer(at: deadline, context: context)
        }
    }

    private func disarmReadTimer() {
        readDeadline = nil
    }

    private func scheduleReadTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        readTimer?.cancel()
        readTimerFiresAt = deadline
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        readTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.readTimerFired(context: context)
        }
    }

    private func readTimerFired(context: ChannelHandlerContext) {
        readTimer = nil
        guard let (deadline, limit) = readDeadline else { return }
        if deadline <= .now() {
            observer.limitExceeded(limit)
            context.close(promise: nil)
        } else {
            scheduleReadTimer(at: deadline, context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            disarmReadTimer()
            receive(head, context: context)
        case .body(let buffer):
            guard var body else { return }
            body.bytes += buffer.readableBytes
            if body.bytes > limits.maxRequestBodyBytes {
                body.continuation.finish()
                self.body = nil
                bodyTooLarge = true
                rejectOversizedBody(context: context)
                return
            }
            body.continuation.yield(Array(buffer.readableBytesView))
            self.body = body
        case .end:
            if body != nil { disarmReadTimer() }
            body?.ending.markComplete()
            body?.continuation.finish()
            body = nil
        }
    }

    private func receive(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        keepAlive = head.isKeepAlive && !isQuiescing
        bodyTooLarge = false
        let routed = preRouted
        preRouted = nil
        let request = routed?.request ?? ProxyRequest(
            method: head.method.rawValue, uri: head.uri,
            headers: head.headers.map { ($0.name, $0.value) },
            remoteAddress: context.channel.remoteAddress)
        current = RequestRecord(request: request, start: .now)
        let declaredLength = head.headers.first(name: "content-length").flatMap(Int.init)
        if let declaredLength, declaredLength > limits.maxRequestBodyBytes {
            routed?.route.discard()
            keepAlive = false
            observer.limitExceeded(.bodyBytes)
            start(.status(.requestEntityTooLarge(
                "the request body of \(declaredLength) bytes is larger than the limit of \(limits.maxRequestBodyBytes)"),
                source: .cache), context: context)
            return
        }
        switch routed?.route ?? router.route(request) {
        case .response(let response):
            start(response, context: context)
        case .deferred(let work):
            let (chunks, continuation) = AsyncStream<[UInt8]>.makeStream()
            let ending = BodyEnding()
            body = (continuation, 0, ending)
            responding = .waiting
            if declaredLength.map({ $0 > 0 }) ?? head.headers.contains(name: "transfer-encoding") {
                armReadTimer(limits.requestBodyTimeout, for: .bodyTimeout, context: context)
                if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                    // Written in front of NIO's handlers: the response compressor pairs every
                    // response head, interim ones too, with a request it saw, and traps on
                    // the final one. Without that place the client sends the body after its
                    // own short wait, as clients do when no interim response comes.
                    let interim = context.channel.allocator.buffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")
                    rawOutput?.writeAndFlush(NIOAny(interim), promise: nil)
                }
            }
            let requestBody = RequestBody(chunks: chunks, contentLength: declaredLength, ending: ending)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            Task {
                let response = await work(requestBody)
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    guard case .waiting = handler.responding else { return }
                    handler.start(response, context: context)
                }
            }
        }
    }

    private func rejectOversizedBody(context: ChannelHandlerContext) {
        keepAlive = false
        observer.limitExceeded(.bodyBytes)
        let status = Status.requestEntityTooLarge("the request body is larger than the limit of \(limits.maxRequestBodyBytes) bytes")
        switch responding {
        case .idle, .waiting:
            responding = .idle
            start(.status(status, source: .cache), context: context)
        default:
            context.close(promise: nil)
        }
    }

    // MARK: Responses

    /// Writes the head and starts the body.
    private func start(_ response: ProxyResponse, context: ChannelHandlerContext) {
        current?.response = response
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        switch response.body {
        case .bytes(let bytes):
            headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
        case .list(let writer):
            headers.replaceOrAdd(name: "Content-Length", value: String(writer.contentLength))
        case .watch, .upstream:
            break
        }
        if shouldCompress(response, headers: headers) { headers.add(name: Compression.markerHeader, value: "1") }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)

        switch response.body {
        case .bytes(let bytes):
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            finish(context: context)
        case .list(let writer):
            responding = .list(writer)
            context.flush()
            pump(context: context)
        case .watch(let stream):
            startWatch(stream, hasBody: current?.request.method != "HEAD", context: context)
        case .upstream(let chunks, let cancel):
            context.flush()
            startUpstreamBody(chunks, cancel: cancel, context: context)
        }
    }

    private func shouldCompress(_ response: ProxyResponse, headers: HTTPHeaders) -> Bool {
        switch response.body {
        case .bytes(let bytes): bytes.count > Compression.threshold
        case .list(let writer): writer.contentLength > Compression.threshold
        case .watch, .upstream: false
        }
    }

    /// Ends the response; closes the connection unless it is kept alive.
    func finish(context: ChannelHandlerContext) {
        responding = .idle
        responsesFinished += 1
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
        if let current {
            observer.completed(current.request, response: current.response, duration: .now - current.start)
        }
        current = nil
        if keepAlive { armReadTimer(limits.idleTimeout, for: .idleTimeout, context: context) }
    }

    /// Writes as much of the current body as the channel takes.
    func pump(context: ChannelHandlerContext) {
        guard !isPumping else { return }
        isPumping = true
        defer { isPumping = false }
        switch responding {
        case .list(var writer):
            while context.channel.isWritable {
                var buffer = context.channel.allocator.buffer(capacity: min(limits.writeChunkBytes + (64 << 10), writer.contentLength))
                guard writer.write(into: &buffer, maxBytes: limits.writeChunkBytes) else {
                    finish(context: context)
                    return
                }
                responding = .list(writer)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
        case .watch:
            pumpWatchEvents(context: context)
        default:
            break
        }
    }

    func buffer(_ segments: [ArraySlice<UInt8>], context: ChannelHandlerContext) -> ByteBuffer {
        var buffer = context.channel.allocator.buffer(capacity: segments.reduce(0) { $0 + $1.count })
        for segment in segments { buffer.writeBytes(segment) }
        return buffer
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pump(context: context) }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Connection lifecycle

    func channelInactive(context: ChannelHandlerContext) {
        readTimer?.cancel()
        readTimer = nil
        readDeadline = nil
        body?.continuation.finish()
        body = nil
        stopResponding()
        // A response the client walked away from (a watch it closed) still counts.
        if let current {
            observer.completed(current.request, response: current.response, duration: .now - current.start)
            self.current = nil
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent || event is ServerShutdownEvent {
            guard !isQuiescing else { return }
            isQuiescing = true
            keepAlive = false
            switch responding {
            case .idle:
                context.close(promise: nil)
                return
            case .watch:
                // Watches would run for minutes: end them now; clients re-watch elsewhere.
                endWatch(context: context)
            default:
                break  // the current response ends, then the connection closes
            }
            // ...unless the client does not read: then it goes after the grace period.
            let channel = context.channel
            context.eventLoop.scheduleTask(in: TimeAmount(limits.shutdownGracePeriod)) {
                channel.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func stopResponding() {
        switch responding {
        case .watch(let watch):
            watch.stream.watcher.stop()
            for timer in watch.timers { timer.cancel() }
        case .upstream(let task, let cancel):
            task.cancel()
            cancel()
        default:
            break
        }
        responding = .idle
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }
}

/// One request in flight, for the observer.
private struct RequestRecord {
    var request: ProxyRequest
    var start: ContinuousClock.Instant
    var response: ProxyResponse?
}
