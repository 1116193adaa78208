import NIOCore

/// Tells a connection's handlers that the server is shutting down, whatever the connection is
/// doing.
///
/// The server's quiescing helper fires `ChannelShouldQuiesceEvent` into every connection, but
/// NIO's `HTTPServerPipelineHandler` keeps that event to itself while a response is in
/// progress (it closes the connection after the response ends). A watch response would then
/// run to its timeout — tens of minutes — and hold the shutdown that long. This handler sits
/// first in the pipeline, passes the event on unchanged, and follows it with
/// `ServerShutdownEvent`, which the pipeline handler does not know and forwards, so the
/// connection handler can end its watch at once.
final class ShutdownNotifier: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if event is ChannelShouldQuiesceEvent {
            context.fireUserInboundEventTriggered(ServerShutdownEvent())
        }
    }
}

/// The server is shutting down: end the current response as soon as possible.
struct ServerShutdownEvent {}
