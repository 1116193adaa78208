/// A failure to exchange a request with the upstream, sorted by what the caller should do next.
///
/// HTTP error statuses are not errors at this layer: a 404 or 410 is a response whose status
/// and body the caller reads. `message` carries libcurl's own explanation
/// (`Failed to connect to 10.0.0.1 port 6443: Connection refused`) and never a credential.
/// Task cancellation surfaces as `CancellationError`, not as an `UpstreamError`.
public struct UpstreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure's category, which decides what to do next.
    public enum Kind: String, Sendable, Hashable {
        /// No connection could be made (refused, unreachable, DNS, connect timeout): retry with back-off.
        case connect
        /// TLS handshake or verification failed (wrong CA, missing client certificate): a
        /// configuration problem more often than not; retry slowly and surface it.
        case tls
        /// The connection broke mid-exchange (reset, truncated body, HTTP/2 stream error): retry.
        case transport
        /// The request's own timeout or low-speed limit expired: retry if the operation allows.
        case timeout
        /// A response head or body exceeded its bound, or a watch line its maximum: do not retry
        /// the same request.
        case tooLarge
        /// kcache's credential could not be obtained (token file unreadable, exec plugin failed).
        case credentials
        /// The request itself is unusable (bad URL, refused option): a programming error.
        case invalidRequest
        /// The client was shut down.
        case shutdown
    }

    public var kind: Kind
    public var message: String
    /// libcurl's `CURLcode`, when the failure came from libcurl.
    public var curlCode: Int?

    public init(_ kind: Kind, _ message: String, curlCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.curlCode = curlCode
    }

    /// Whether repeating the same request after a back-off may succeed.
    public var isRetriable: Bool {
        switch kind {
        case .connect, .transport, .timeout, .tls: return true
        case .tooLarge, .credentials, .invalidRequest, .shutdown: return false
        }
    }

    public var description: String {
        curlCode.map { "upstream \(kind.rawValue) error (curl \($0)): \(message)" }
            ?? "upstream \(kind.rawValue) error: \(message)"
    }
}
