import Synchronization

/// The body of a client's request, streamed to whoever forwards it as it arrives.
///
/// The connection handler yields each piece from its event loop and finishes the stream at the
/// end of the request; the body is capped (`ServerLimits.maxRequestBodyBytes`, 3 MiB by
/// default, as the API server), so at most that much is ever buffered for one request.
public struct RequestBody: Sendable {
    public let chunks: AsyncStream<[UInt8]>
    /// `Content-Length` when the client sent one.
    public let contentLength: Int?
    private let ending: BodyEnding

    /// - Parameter ending: told by the connection handler when the body's end arrives; by
    ///   default the body counts as complete whenever `chunks` ends.
    public init(chunks: AsyncStream<[UInt8]>, contentLength: Int?, ending: BodyEnding = BodyEnding(complete: true)) {
        self.chunks = chunks
        self.contentLength = contentLength
        self.ending = ending
    }

    /// Whether the client sent the whole body. False when `chunks` ended because the body was
    /// cut off — over the size limit, past the body timeout, the connection lost — in which
    /// case it must not be passed on as if it were whole (a chunked upload cut at a line
    /// break could still parse, and the upstream would apply a write the client was refused).
    public var isComplete: Bool { ending.isComplete }

    /// An empty body.
    public static var empty: RequestBody {
        RequestBody(chunks: AsyncStream { $0.finish() }, contentLength: 0)
    }

    /// Collects the whole body (bounded by the server's cap).
    public func collect() async -> [UInt8] {
        var bytes: [UInt8] = []
        for await chunk in chunks { bytes += chunk }
        return bytes
    }
}

/// Whether a streamed request body arrived whole: set once, by the connection handler when the
/// body's end arrives, before its stream is finished; read by whoever forwards the body after
/// the stream ends. Thread-safe.
public final class BodyEnding: Sendable {
    private let complete: Atomic<Bool>

    public init(complete: Bool = false) {
        self.complete = Atomic(complete)
    }

    public var isComplete: Bool { complete.load(ordering: .acquiring) }

    func markComplete() {
        complete.store(true, ordering: .releasing)
    }
}

/// Where a request goes once its head has been read.
public enum Route: Sendable {
    /// Answered at once, on the connection's event loop (cached reads that need no wait,
    /// kcache's own endpoints, errors).
    case response(ProxyResponse)
    /// Answered by async work: waits, upstream requests. The work receives the request body.
    case deferred(@Sendable (RequestBody) async -> ProxyResponse)
}

/// Limits that protect the server from hostile or broken clients.
public struct ServerLimits: Sendable {
    /// Largest request body (writes); beyond it the answer is `413 RequestEntityTooLarge`.
    public var maxRequestBodyBytes = 3 << 20
    /// Largest request head; beyond it the answer is `431`.
    public var maxHeaderBytes = 1 << 20
    /// A connection is closed when no complete request head arrives for this long after it
    /// opened or after its last response: idle keep-alive connections, and clients that
    /// dribble a head byte by byte (slowloris), both end there.
    public var idleTimeout: Duration = .seconds(60)
    /// A request body must arrive completely within this long after its head.
    public var requestBodyTimeout: Duration = .seconds(60)
    /// Bytes a response writer hands the socket at a time. A streaming LIST holds at most
    /// about twice this per connection (the piece being written and the channel's high water
    /// mark). 1 MiB rather than 256 KiB: a 19 MB LIST then takes 7.4 ms instead of 11.8 ms
    /// (`kcache-bench --scenario list-nginx`), with a quarter of the writes and wakeups.
    public var writeChunkBytes = 1 << 20
    /// On graceful shutdown, how long a response in progress may take to finish (watches are
    /// ended at once, but a client that does not read cannot take even the end of its
    /// stream); then its connection is closed, so shutdown and the snapshot saved after it
    /// are not held up by a stalled client.
    public var shutdownGracePeriod: Duration = .seconds(5)

    public init() {}
}
