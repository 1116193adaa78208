import KubeAPI
import NIOCore
import NIOHTTP1

/// Answers requests the HTTP decoder rejects with a `Status` body — `431` for headers over
/// the limit, `400` for anything malformed — then closes the connection (the decoder cannot
/// continue after an error). Errors reported as the connection closes are not answered.
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// True between a response's head and its end: an error then can only close.
    private var isResponding = false
    /// Told about `431`s (`ExceededLimit.headerBytes`).
    private let observer: any RequestObserver

    init(observer: any RequestObserver) {
        self.observer = observer
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // A connection closed with an unfinished head (by the client, or by kcache: the idle
        // timeout, graceful shutdown) makes the decoder report it as it closes: nobody is
        // left to answer, and writing then traps in NIO's pipeline handler when the close
        // was a graceful shutdown's.
        guard context.channel.isActive else { return }
        if !isResponding {
            let status: Status = switch parserError {
            case .headerOverflow:
                Status(code: 431, reason: .badRequest, message: "request header fields too large")
            default:
                .badRequest("malformed HTTP request: \(parserError)")
            }
            if status.code == 431 { observer.limitExceeded(.headerBytes) }
            let body = status.jsonBytes + [0x0A]
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Connection", "close")])
            headers.add(name: "Content-Length", value: String(body.count))
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status.code), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200: break
        case .head: isResponding = true
        case .end: isResponding = false
        case .body: break
        }
        context.write(data, promise: promise)
    }
}
