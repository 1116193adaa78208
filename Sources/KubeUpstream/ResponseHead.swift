/// The status line and header fields of an upstream response (the final one: interim `1xx`
/// heads are dropped).
public struct ResponseHead: Sendable, Hashable {
    public var status: Int
    public var headers: HeaderFields
    /// `HTTP/1.1` or `HTTP/2`, as the status line said.
    public var httpVersion: String

    public init(status: Int, headers: HeaderFields, httpVersion: String) {
        self.status = status
        self.headers = headers
        self.httpVersion = httpVersion
    }
}
