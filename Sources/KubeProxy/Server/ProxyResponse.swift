import KubeAPI
import KubeCache

/// What the router answers, in terms the connection handler can write without further
/// decisions: a complete body, a LIST assembled from cached objects, a watch on the cache, or
/// a stream from the upstream.
///
/// Every response carries `X-Kcache-Source` (DESIGN.md invariant 5); the constructors here add
/// it, so no path can forget it.
public struct ProxyResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Where the answer came from, for the header, logs and metrics.
    public var source: Source

    public enum Source: String, Sendable {
        /// Answered by kcache for the API: from its cache, or an error it gives itself (a bad
        /// query, a limit) without asking the upstream.
        case cache
        case upstream
        /// kcache's own endpoints (`/readyz`, `/metrics`, …) and protocol errors: no header.
        case local
    }

    public enum Body: Sendable {
        /// Bytes written as they are, with `Content-Length`.
        case bytes([UInt8])
        /// A list body assembled from cached objects (with `Content-Length`).
        case list(ListBodyWriter)
        /// A chunked watch stream served from the cache.
        case watch(WatchStream)
        /// A body streamed from the upstream as it arrives.
        case upstream(any AsyncSequence<[UInt8], any Error> & Sendable, cancel: @Sendable () -> Void)
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body, source: Source) {
        self.status = status
        self.headers = headers
        self.body = body
        self.source = source
        if source != .local {
            self.headers.append(("X-Kcache-Source", source.rawValue))
        }
    }

    /// A JSON answer.
    public static func json(_ bytes: [UInt8], status: Int = 200, source: Source, extraHeaders: [(name: String, value: String)] = []) -> ProxyResponse {
        ProxyResponse(
            status: status, headers: extraHeaders.isEmpty ? [("Content-Type", "application/json")] : [("Content-Type", "application/json")] + extraHeaders,
            body: .bytes(bytes), source: source)
    }

    /// A `Status` error body with its code, and `Retry-After` when the Status names one.
    public static func status(_ status: Status, source: Source) -> ProxyResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let retryAfter = status.details?.retryAfterSeconds {
            headers.append(("Retry-After", String(retryAfter)))
        }
        return ProxyResponse(status: status.code, headers: headers, body: .bytes(status.jsonBytes + [0x0A]), source: source)
    }

    /// A plain-text answer (health endpoints, metrics).
    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> ProxyResponse {
        ProxyResponse(status: status, headers: [("Content-Type", contentType)], body: .bytes(Array(text.utf8)), source: .local)
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }
}
