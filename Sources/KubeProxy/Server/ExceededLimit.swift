/// A bound that protects the server from a hostile or broken client, named as metrics label it
/// (`kcache_http_limits_exceeded_total{limit}`): what the connection handler reports when it
/// refuses a request or closes a connection because of one.
public enum ExceededLimit: String, CaseIterable, Sendable {
    /// A request head over `ServerLimits.maxHeaderBytes`: `431`, then the connection closes.
    case headerBytes = "header_bytes"
    /// A request body over `ServerLimits.maxRequestBodyBytes`: `413`, then the connection closes.
    case bodyBytes = "body_bytes"
    /// No complete request head within `ServerLimits.idleTimeout` (idle keep-alive connections
    /// and slowloris clients): the connection is closed.
    case idleTimeout = "idle_timeout"
    /// A request body not complete within `ServerLimits.requestBodyTimeout`: the connection
    /// is closed.
    case bodyTimeout = "body_timeout"
    /// A watch beyond `--max-watchers`: `429`.
    case watchers
}

extension RequestObserver {
    /// Told when a limit refuses a request or ends a connection; by default, nothing.
    public func limitExceeded(_ limit: ExceededLimit) {}
}
