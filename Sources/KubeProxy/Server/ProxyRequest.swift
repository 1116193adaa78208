import KubeAPI
import NIOCore

/// A client's request as the router sees it: method, target and headers, with no socket.
///
/// Header names keep the client's spelling; lookups are case-insensitive. The body (for
/// writes) is not here: it streams separately to whoever forwards the request.
public struct ProxyRequest: Sendable {
    public var method: String
    /// The request target: path and query, percent-encoded as received.
    public var uri: String
    public var headers: [(name: String, value: String)]
    /// The peer's address, for logs (rendered only when a log line needs it).
    public var remoteAddress: SocketAddress?

    public init(method: String, uri: String, headers: [(name: String, value: String)], remoteAddress: SocketAddress? = nil) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.remoteAddress = remoteAddress
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The path without the query.
    public var path: Substring {
        uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri[...]
    }
}

extension String {
    /// ASCII case-insensitive comparison, for header names.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        for (a, b) in zip(utf8, other.utf8) where a != b {
            let lowerA = (a >= 65 && a <= 90) ? a + 32 : a
            let lowerB = (b >= 65 && b <= 90) ? b + 32 : b
            if lowerA != lowerB { return false }
        }
        return true
    }
}
