/// Everything the loop thread needs to configure one easy handle, computed on the caller's task
/// (URL, header lines including the credential, TLS material) so that the loop does no I/O or
/// credential work.
///
/// `headerLines` may hold an `Authorization` line: never log them.
struct PreparedRequest: Sendable {
    var url: String
    var method: String
    /// `path?query` as given, for logs.
    var target: String
    /// Metrics label: the Kubernetes verb when the caller knows it, else the method.
    var verb: String
    var headerLines: [String]
    /// Whether the request has a body, and its length when known (nil: chunked).
    var hasBody: Bool
    var contentLength: Int?
    var tls: TLSSettings
    /// `CURLOPT_CONNECT_TO` entry when `tls-server-name` replaces the URL's host.
    var connectTo: String?
    var proxyURL: String?
    var connectTimeout: Duration
    var timeout: Duration?
    var lowSpeedTimeout: Duration?
    var http2: Bool
    var tcpKeepAlive: Duration?
    var maxHeaderBytes: Int

    /// True for `https` URLs, the only ones that can negotiate HTTP/2 here (h2 over TLS).
    var isHTTPS: Bool { url.lowercased().hasPrefix("https://") }
}

extension Duration {
    /// Whole milliseconds, at least 1 for any positive duration (libcurl reads 0 as "none").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return millis == 0 && self > .zero ? 1 : Int(millis)
    }
}
