/// One request to the upstream API server.
///
/// `pathAndQuery` is appended to the server URL as given (already percent-encoded, starting
/// with `/`). `headers` are sent as given: the caller decides which are end-to-end (hop-by-hop
/// headers must already be gone), except `Content-Length` and `Transfer-Encoding`, which the
/// body decides, and fields with CR, LF or NUL, which are dropped. The client adds `Authorization` from kcache's credentials, or
/// from `bearerTokenOverride` (`--auth passthrough`), replacing any `Authorization` in
/// `headers`; with neither, the caller's `Authorization` header is sent as is.
public struct UpstreamRequest: Sendable {
    public var method: String
    public var pathAndQuery: String
    public var headers: HeaderFields
    public var body: RequestBody?
    /// A client's own bearer token to use instead of kcache's credential (`--auth passthrough`).
    /// kcache's client certificate is then not presented either, since the API server would
    /// authenticate the certificate first. Never logged.
    public var bearerTokenOverride: SecretString?
    /// Total time allowed for the whole exchange; nil for watches and other long streams.
    public var timeout: Duration?
    /// Abort when less than one byte arrives for this long (not counted while the consumer
    /// applies back-pressure). For watches, prefer bookmarks plus TCP keepalive.
    public var lowSpeedTimeout: Duration?
    /// The `verb` label of the request metrics (`list`, `watch`, `get`, …); the lower-cased
    /// method when nil.
    public var verb: String?

    public init(
        method: String = "GET", pathAndQuery: String, headers: HeaderFields = HeaderFields(),
        body: RequestBody? = nil, bearerTokenOverride: SecretString? = nil, timeout: Duration? = nil,
        lowSpeedTimeout: Duration? = nil, verb: String? = nil
    ) {
        self.method = method
        self.pathAndQuery = pathAndQuery
        self.headers = headers
        self.body = body
        self.bearerTokenOverride = bearerTokenOverride
        self.timeout = timeout
        self.lowSpeedTimeout = lowSpeedTimeout
        self.verb = verb
    }
}
