import KubeAPI

/// The upstream as a reflector sees it: LIST pages and WATCH streams of one resource.
///
/// Defined here, implemented over the libcurl client by KubeProxy and by fakes in tests, so
/// the engine never knows about sockets. Requests are for all namespaces of the resource.
public protocol ListerWatcher: Sendable {
    /// One page of a LIST.
    /// - Throws: `ListerWatcherError`.
    func list(_ request: ListerWatcherRequest) async throws -> ListPage

    /// Opens a WATCH; returns once the upstream has accepted it (status 200), with its event
    /// lines to follow, one `{"type":…,"object":…}` JSON per element.
    /// - Throws: `ListerWatcherError`.
    func watch(_ request: ListerWatcherRequest) async throws -> any AsyncSequence<[UInt8], any Error>
}

/// The query of a LIST or WATCH the reflector sends upstream.
public struct ListerWatcherRequest: Sendable, Hashable {
    public var resourceVersion: ResourceVersion?
    public var resourceVersionMatch: ListOptions.ResourceVersionMatch?
    public var limit: Int?
    public var continueToken: String?
    public var allowWatchBookmarks = false
    public var sendInitialEvents: Bool?
    public var timeoutSeconds: Int?

    public init(
        resourceVersion: ResourceVersion? = nil, resourceVersionMatch: ListOptions.ResourceVersionMatch? = nil,
        limit: Int? = nil, continueToken: String? = nil, allowWatchBookmarks: Bool = false,
        sendInitialEvents: Bool? = nil, timeoutSeconds: Int? = nil
    ) {
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.limit = limit
        self.continueToken = continueToken
        self.allowWatchBookmarks = allowWatchBookmarks
        self.sendInitialEvents = sendInitialEvents
        self.timeoutSeconds = timeoutSeconds
    }

    /// The URL query string (without `?`), parameters in a fixed order.
    public var query: String {
        var items: [String] = []
        if let resourceVersion { items.append("resourceVersion=\(resourceVersion)") }
        if let resourceVersionMatch { items.append("resourceVersionMatch=\(resourceVersionMatch.rawValue)") }
        if let limit { items.append("limit=\(limit)") }
        if let continueToken { items.append("continue=\(continueToken.addingQueryEscapes)") }
        if allowWatchBookmarks { items.append("allowWatchBookmarks=true") }
        if let sendInitialEvents { items.append("sendInitialEvents=\(sendInitialEvents)") }
        if let timeoutSeconds { items.append("timeoutSeconds=\(timeoutSeconds)") }
        return items.joined(separator: "&")
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters (RFC 3986).
    var addingQueryEscapes: String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// One page of a LIST: the body as received and where its parts are.
public struct ListPage: Sendable {
    public var body: [UInt8]
    public var list: ListBody

    public init(body: [UInt8]) throws {
        self.body = body
        list = try ListBody(parsing: body)
    }
}

/// How a LIST or WATCH failed, sorted by what the reflector does next.
public enum ListerWatcherError: Error, Sendable, CustomStringConvertible {
    /// The upstream answered with an error status (its `Status` body, or one made from the
    /// HTTP status), and `Retry-After` when it sent one.
    case status(Status, retryAfter: Duration?)
    /// The upstream could not be reached or the transfer broke.
    case transport(String)

    public var description: String {
        switch self {
        case .status(let status, _): "upstream answered \(status.code) \(status.reason.rawValue): \(status.message)"
        case .transport(let message): "upstream unreachable: \(message)"
        }
    }
}
