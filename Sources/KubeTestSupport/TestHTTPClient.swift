import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client on SwiftNIO for tests: plain requests, streaming watches, and a
/// "stalled" watcher that never reads.
///
/// Every call opens its own connection (`Connection: close` for plain requests), so tests are
/// independent of connection reuse. Thread-safe; share one per test or create as needed.
/// URLs are `http://host:port/path?query`; spaces in the target are sent as `%20`, everything
/// else as given (encode selectors yourself, `TestHTTPClient.encode` helps).
public final class TestHTTPClient: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    /// Errors of the client itself (not HTTP statuses, which are returned).
    public enum ClientError: Error, CustomStringConvertible {
        case invalidURL(String)
        case closedBeforeResponse
        public var description: String {
            switch self {
            case .invalidURL(let url): "invalid URL \(url)"
            case .closedBeforeResponse: "connection closed before the response was complete"
            }
        }
    }

    let group: any EventLoopGroup

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    /// Host, port and request target of an `http://` URL.
    struct Target {
        var host: String
        var port: Int
        var target: String
    }

    static func parse(_ url: String) throws -> Target {
        guard url.hasPrefix("http://") else { throw ClientError.invalidURL(url) }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var target = String(rest[slash...])
        if target.isEmpty { target = "/" }
        target = target.replacingOccurrences(of: " ", with: "%20")
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else {
            throw ClientError.invalidURL(url)
        }
        var host = String(authority[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return Target(host: host, port: port, target: target)
    }

    /// Percent-encodes a query value (selectors with `!`, `(`, `,`, `=`, spaces).
    public static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if character.isASCII && (character.isLetter || character.isNumber || "-_.~".contains(character)) {
                out.append(character)
            } else {
                out.append("%")
                out.append(String(byte, radix: 16, uppercase: true).count == 1 ? "0" : "")
                out.append(String(byte, radix: 16, uppercase: true))
            }
        }
        return out
    }

    func connect(_ target: Target) async throws -> Connection {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    static func head(_ method: String, _ target: Target, headers: [(String, String)], bodyLength: Int?, close: Bool) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target.target)
        head.headers.add(name: "Host", value: "\(target.host):\(target.port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let bodyLength { head.headers.replaceOrAdd(name: "Content-Length", value: String(bodyLength)) }
        if close { head.headers.replaceOrAdd(name: "Connection", value: "close") }
        return head
    }

    /// Sends one request and reads the whole response.
    public func request(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> TestHTTPResponse {
        let target = try TestHTTPClient.parse(url)
        let connection = try await connect(target)
        return try await connection.executeThenClose { inbound, outbound in
            let bodyLength = body?.count ?? (["POST", "PUT", "PATCH"].contains(method) ? 0 : nil)
            // One write for the whole request: a server may answer and close as soon as it has
            // the head, and a separate write of the end would then fail.
            var parts: [HTTPClientRequestPart] = [.head(TestHTTPClient.head(method, target, headers: headers, bodyLength: bodyLength, close: true))]
            if let body, !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)
            var status = 0
            var responseHeaders: [(String, String)] = []
            var responseBody: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head):
                    status = Int(head.status.code)
                    responseHeaders = head.headers.map { ($0.name, $0.value) }
                case .body(let buffer):
                    responseBody.append(contentsOf: buffer.readableBytesView)
                case .end:
                    return TestHTTPResponse(status: status, headers: responseHeaders, body: responseBody)
                }
            }
            throw ClientError.closedBeforeResponse
        }
    }

    /// JSON convenience: sends `json` with `Content-Type: application/json` (or `contentType`).
    public func send(
        _ method: String, _ url: String, json: String, contentType: String = "application/json",
        headers: [(String, String)] = []
    ) async throws -> TestHTTPResponse {
        try await request(method, url, headers: [("Content-Type", contentType)] + headers, body: Array(json.utf8))
    }
}
