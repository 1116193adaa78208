import Foundation
import Metrics

extension UpstreamClient {
    /// Tuning of the client, with defaults meant for production. Tests shrink the intervals
    /// and inject `now` and `metricsFactory`.
    public struct Configuration: Sendable {
        /// Time to establish TCP and TLS (client-go dials with 30 s; an API server that takes
        /// more than 10 s to accept is better retried).
        public var connectTimeout: Duration = .seconds(10)
        /// Response bytes buffered per stream before libcurl is paused (high-water mark); the
        /// stream resumes once its reader has drained to a quarter of it.
        public var streamBufferBytes = 1 << 20
        /// Request-body bytes buffered per transfer before the producer is suspended.
        public var uploadBufferBytes = 256 << 10
        /// Bound on a response's header block.
        public var maxHeaderBytes = 1 << 20
        /// How often a bearer token file is re-read (client-go: one minute).
        public var tokenFileRereadInterval: Duration = .seconds(60)
        /// Time an exec credential plugin may take before it is terminated.
        public var execTimeout: Duration = .seconds(60)
        /// Sent when the request has no `User-Agent` of its own.
        public var userAgent = "kcache"
        /// Offer HTTP/2 over TLS (ALPN) so that watches share connections.
        public var http2 = true
        /// libcurl's own cap on streams per HTTP/2 connection (the server's setting also
        /// applies); past it, libcurl opens another connection.
        public var maxConcurrentStreams = 100
        /// TCP keepalive idle time (probes every third of it); nil disables keepalive.
        public var tcpKeepAlive: Duration? = .seconds(30)
        /// Wall clock for credential expiry and token re-reads.
        public var now: @Sendable () -> Date = { Date() }
        /// Environment given to exec credential plugins (plus their `env` entries).
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        /// Where `kcache_upstream_*` metrics go; nil: the global `MetricsSystem.factory`.
        public var metricsFactory: (any MetricsFactory)?

        public init() {}
    }
}
