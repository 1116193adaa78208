import NIOCore
import NIOHTTP1

/// Answers, in one write, the requests the router answers at once with a small complete body
/// — a GET of one cached object above all — without NIO's HTTP decoder, pipelining,
/// compression and encoding handlers, which otherwise cost a cached GET more than the cache.
///
/// Sits in front of NIO's HTTP handlers and frames the bytes a connection receives into
/// request heads (`RequestHead`). A head is routed here when the request is a keep-alive
/// `GET` without a body and nothing earlier on the connection is still being answered (so
/// responses stay in order); when the router's answer is `.response` with a body of at most
/// `Compression.threshold` bytes (never compressed, as on the slow path), it is written here,
/// and the connection handler is told (`answeredAtOnce`) for its metrics, logs and idle timer.
///
/// Everything else goes on, byte for byte, to NIO's decoder and from there to
/// `HTTPConnectionHandler`, which answers it as it answers every request: a routed request
/// carries the router's answer along (`HTTPConnectionHandler.preRouted`), so no request is
/// routed twice; a head with a `Content-Length` body is followed by exactly that many bytes,
/// after which framing resumes. Bytes this parser does not vouch for (`.unsupported`, which
/// includes every `Transfer-Encoding`) or a head larger than `framingLimit` switch the connection
/// to passing everything on for good: NIO then judges them exactly as without this handler.
///
/// Its place in the pipeline also serves the connection handler for the bytes it frames itself
/// (`HTTPConnectionHandler.rawOutput`): watch event chunks and `100 Continue`.
final class CachedReadFastPath: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Heads larger than this are left to NIO's decoder and its limits (`ServerLimits`).
    static let maxFramedHeadBytes = 64 << 10
    /// The largest head framed here: within `maxFramedHeadBytes` and `ServerLimits.maxHeaderBytes`,
    /// so a head over the limit always reaches the decoder, which refuses it (`431`).
    private let framingLimit: Int

    private let router: Router
    private let connection: HTTPConnectionHandler
    private var mode = Mode.framing
    /// Bytes received and not yet answered or passed on: the start of a head.
    private var unread: ByteBuffer?
    /// How far `unread` is known not to hold a complete head.
    private var searched = 0
    /// Heads passed on to the connection handler; the connection is idle when it has finished
    /// as many responses.
    private var headsPassedOn = 0

    private enum Mode {
        /// Reading heads.
        case framing
        /// Passing on the body of a head passed on: this many bytes more.
        case passingBody(remaining: Int)
        /// Passing on everything, for the rest of the connection.
        case passingAll
    }

    init(router: Router, connection: HTTPConnectionHandler) {
        self.router = router
        self.connection = connection
        framingLimit = min(Self.maxFramedHeadBytes, connection.limits.maxHeaderBytes)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if case .passingAll = mode {
            context.fireChannelRead(data)
            return
        }
        if var unread {
            self.unread = nil
            unread.writeBuffer(&buffer)
            buffer = unread
        }
        var wroteAnswers = false
        process(&buffer, wroteAnswers: &wroteAnswers, context: context)
        if wroteAnswers { context.flush() }
        unread = buffer.readableBytes > 0 ? buffer : nil
        if unread == nil { searched = 0 }
    }

    /// Answers or passes on every complete head in `buffer` (and the bodies that follow),
    /// consuming them; what stays is the start of an incomplete head.
    private func process(_ buffer: inout ByteBuffer, wroteAnswers: inout Bool, context: ChannelHandlerContext) {
        while buffer.readableBytes > 0 {
            switch mode {
            case .passingAll:
                passOn(buffer.readSlice(length: buffer.readableBytes)!, context: context)
            case .passingBody(let remaining):
                let count = min(remaining, buffer.readableBytes)
                mode = count == remaining ? .framing : .passingBody(remaining: remaining - count)
                passOn(buffer.readSlice(length: count)!, context: context)
            case .framing:
                let framing = buffer.withUnsafeReadableBytes { RequestHead.frame($0, searchFrom: searched) }
                switch framing {
                case .incomplete:
                    searched = buffer.readableBytes
                    if buffer.readableBytes > framingLimit { mode = .passingAll }
                    else { return }
                case .unsupported:
                    mode = .passingAll
                case .head(let head) where head.length > framingLimit:
                    mode = .passingAll
                case .head(let head):
                    searched = 0
                    handle(head, buffer: &buffer, wroteAnswers: &wroteAnswers, context: context)
                }
            }
        }
    }

    private func handle(_ head: RequestHead, buffer: inout ByteBuffer, wroteAnswers: inout Bool, context: ChannelHandlerContext) {
        let headBytes = buffer.readSlice(length: head.length)!
        if let length = head.contentLength, length > 0 {
            mode = .passingBody(remaining: length)
        }
        guard head.method == "GET", head.isHTTP11, !head.needsConnectionHandling, (head.contentLength ?? 0) == 0,
              headsPassedOn == connection.responsesFinished, connection.acceptsRequests
        else {
            passOn(head: headBytes, context: context)
            return
        }
        let start = ContinuousClock.now
        let request = ProxyRequest(
            method: head.method, uri: head.target, headers: head.headers, remoteAddress: context.channel.remoteAddress)
        let route = router.route(request)
        if case .response(let response) = route, case .bytes(let body) = response.body, body.count <= Compression.threshold {
            context.write(wrapOutboundOut(encode(response, body: body, allocator: context.channel.allocator)), promise: nil)
            wroteAnswers = true
            connection.answeredAtOnce(request, response: response, start: start)
            return
        }
        // The connection handler takes the answer as NIO's handlers deliver this head to it,
        // within this call (nothing is in flight, so the pipelining handler holds nothing back).
        connection.preRouted = (request, route)
        passOn(head: headBytes, context: context)
        if let left = connection.preRouted {
            // NIO's decoder did not deliver the head: it judged it malformed and answers that.
            connection.preRouted = nil
            left.route.discard()
        }
    }

    private func passOn(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        context.fireChannelRead(wrapInboundOut(bytes))
    }

    /// Passes on a head the connection handler will answer.
    private func passOn(head: ByteBuffer, context: ChannelHandlerContext) {
        headsPassedOn += 1
        passOn(head, context: context)
    }

    /// The response's head and body as HTTP/1.1 bytes, as NIO's encoder writes them.
    private func encode(_ response: ProxyResponse, body: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256 + body.count)
        let status = HTTPResponseStatus(statusCode: response.status)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(response.status))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for (name, value) in response.headers where !name.caseInsensitiveEquals("content-length") {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("Content-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // At end of input, NIO's decoder must see what is left of an unfinished head: it reports
        // a truncated request as it always has.
        if case ChannelEvent.inputClosed = event, let unread {
            self.unread = nil
            mode = .passingAll
            context.fireChannelRead(wrapInboundOut(unread))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection.rawOutput = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connection.rawOutput = nil
        // Removed from a live connection, the bytes held go on to the decoder; at close they
        // are nobody's.
        if let unread, context.channel.isActive {
            self.unread = nil
            context.fireChannelRead(wrapInboundOut(unread))
        }
    }
}
