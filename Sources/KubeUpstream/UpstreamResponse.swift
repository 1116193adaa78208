import Foundation

/// A complete upstream response whose body fitted the caller's bound. Any status is a response
/// (a 404 is not an error at this layer).
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(status: Int, headers: HeaderFields, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The `Retry-After` delay, if the header is present and valid.
    public func retryAfter(now: Date = Date()) -> Duration? {
        headers["Retry-After"].flatMap { RetryAfter.parse($0, now: now) }
    }
}
