import Logging

/// Logs every completed request at debug level: method, path (without the query, which may
/// carry selectors but never credentials; headers are not logged at all), status, where the
/// answer came from, and how long it took.
struct RequestLog: RequestObserver {
    let logger: Logger

    func completed(_ request: ProxyRequest, response: ProxyResponse?, duration: Duration) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("request", metadata: [
            "method": "\(request.method)",
            "path": "\(request.path)",
            "status": "\(response?.status ?? 0)",
            "source": "\(response?.source.rawValue ?? "none")",
            "duration": "\(duration)",
            "remote": "\(request.remoteAddress?.description ?? "")",
        ])
    }
}
