/// Told about every completed request: logs and metrics.
public protocol RequestObserver: Sendable {
    func completed(_ request: ProxyRequest, response: ProxyResponse?, duration: Duration)
    /// A limit refused a request or ended a connection (see `ExceededLimit`).
    func limitExceeded(_ limit: ExceededLimit)
}
