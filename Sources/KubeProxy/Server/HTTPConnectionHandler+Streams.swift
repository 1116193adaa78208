import KubeCache
import NIOCore
import NIOHTTP1

/// Watches from the cache and bodies from the upstream.
extension HTTPConnectionHandler {
    /// Starts streaming `stream`; `hasBody` is false for an answer to `HEAD`.
    func startWatch(_ stream: WatchStream, hasBody: Bool, context: ChannelHandlerContext) {
        let deadline = stream.timeout.map { NIODeadline.now() + TimeAmount($0) }
        responding = .watch(ActiveWatch(stream: stream, deadline: deadline, hasBody: hasBody))
        context.flush()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let batcher = batchers.batcher(for: context.eventLoop)
        stream.watcher.setWake {
            batcher.submit {
                let (handler, context) = loopBound.value
                handler.pump(context: context)
            }
        }
        if let deadline {
            let timer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (handler, context) = loopBound.value
                handler.endWatch(context: context)
            }
            addTimer(timer)
        }
        scheduleBookmark(context: context)
        pump(context: context)
    }

    /// Writes the watcher's events while the channel is writable; called through `pump`.
    func pumpWatchEvents(context: ChannelHandlerContext) {
        guard case .watch(let watch) = responding else { return }
        if !context.channel.isWritable && watch.stream.watcher.isEnded {
            // Ended as too slow while the client was not reading: it cannot take even the end
            // of the stream, so the connection goes.
            stopResponding()
            context.close(promise: nil)
            return
        }
        while context.channel.isWritable {
            switch watch.stream.watcher.next(maxBytes: limits.writeChunkBytes) {
            case .events(let segments):
                writeWatchChunk(segments, of: watch, context: context)
            case .idle:
                return
            case .ended:
                endWatch(context: context)
                return
            }
        }
    }

    /// Writes watch event lines as one HTTP/1.1 chunk, framed here and written in front of
    /// NIO's HTTP handlers (from `CachedReadFastPath`'s place in the pipeline), which would
    /// otherwise each handle every event for every watcher — at a fan-out of thousands, most of
    /// kcache's work besides the socket writes. The response's head and its last chunk still go
    /// through them, so they frame the response as usual. An answer to `HEAD` has no body: its
    /// events go through NIO's encoder, which drops them.
    func writeWatchChunk(_ segments: [ArraySlice<UInt8>], of watch: ActiveWatch, context: ChannelHandlerContext) {
        let count = segments.reduce(0) { $0 + $1.count }
        guard count > 0 else { return }  // an empty chunk would end the response
        guard watch.hasBody, let output = rawOutput else {
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer(segments, context: context)))), promise: nil)
            return
        }
        var chunk = context.channel.allocator.buffer(capacity: count + 20)
        chunk.writeString(String(count, radix: 16))
        chunk.writeStaticString("\r\n")
        for segment in segments { chunk.writeBytes(segment) }
        chunk.writeStaticString("\r\n")
        output.writeAndFlush(NIOAny(chunk), promise: nil)
    }

    /// Ends the watch stream normally (timeout, slow watcher, shutdown).
    func endWatch(context: ChannelHandlerContext) {
        guard case .watch(let watch) = responding else { return }
        watch.stream.watcher.stop()
        for timer in watch.timers { timer.cancel() }
        finish(context: context)
    }

    private func scheduleBookmark(context: ChannelHandlerContext) {
        guard case .watch(let watch) = responding else { return }
        let remaining = watch.deadline.map { Duration(nanoseconds: ($0 - .now()).nanoseconds) }
        guard let delay = watch.stream.delayUntilNextBookmark(remaining: remaining) else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: TimeAmount(delay)) {
            let (handler, context) = loopBound.value
            handler.sendBookmark(context: context)
        }
        addTimer(timer)
    }

    private func sendBookmark(context: ChannelHandlerContext) {
        // Write what is pending first; a bookmark then never lands behind an event it would
        // claim to follow. The watcher gives one only when the client is keeping up.
        pump(context: context)
        if case .watch(let watch) = responding, context.channel.isWritable, let line = watch.stream.watcher.bookmark() {
            writeWatchChunk([line[...]], of: watch, context: context)
        }
        scheduleBookmark(context: context)
    }

    private func addTimer(_ timer: Scheduled<Void>) {
        guard case .watch(var watch) = responding else { return }
        watch.timers.append(timer)
        responding = .watch(watch)
    }

    /// Writes an upstream body from a task, each chunk awaited, then ends the response.
    func startUpstreamBody(
        _ chunks: any AsyncSequence<[UInt8], any Error> & Sendable, cancel: @escaping @Sendable () -> Void,
        context: ChannelHandlerContext
    ) {
        let channel = context.channel
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let task = Task {
            do {
                for try await chunk in chunks {
                    let buffer = channel.allocator.buffer(bytes: chunk)
                    try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get()
                }
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    guard case .upstream = handler.responding else { return }
                    handler.finish(context: context)
                }
            } catch {
                // The body broke mid-way: the client can only learn it from a closed connection.
                cancel()
                channel.close(promise: nil)
            }
        }
        responding = .upstream(task, cancel: cancel)
    }
}

extension TimeAmount {
    /// `duration`, saturated to what a `TimeAmount` holds (about ±292 years): durations come
    /// from clients too (`timeoutSeconds` is any Int64), and must not overflow.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (whole, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowedAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(overflowed || overflowedAgain ? (seconds < 0 ? .min : .max) : total)
    }
}

extension Duration {
    init(nanoseconds: Int64) {
        self = .nanoseconds(nanoseconds)
    }
}
