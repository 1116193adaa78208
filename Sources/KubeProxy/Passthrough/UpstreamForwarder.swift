import KubeAPI
import KubeCache
import KubeUpstream
import Logging

/// Passes a request to the upstream API server and its answer back, streaming both ways:
/// method, end-to-end headers, body and status preserved; hop-by-hop headers dropped.
///
/// With `--auth none`, kcache acts with its own credentials, so the client's `Authorization`
/// and `Impersonate-*` headers are removed (DESIGN.md invariant 8). With `--auth passthrough`,
/// the client's bearer token replaces kcache's for the request, and `Impersonate-*` headers go
/// with it (the upstream checks that the token's user may impersonate); a request without a
/// bearer token gets 401, since client certificates cannot be forwarded.
///
/// Successful writes are read (their answers are small objects or Statuses; bounded) so that
/// read-your-writes learns what later reads must observe; other answers stream through.
public final class UpstreamForwarder: Forwarder {
    public enum Authentication: String, Sendable, CaseIterable {
        /// kcache's identity for everything.
        case none
        /// The client's bearer token for everything forwarded.
        case passthrough
    }

    let client: UpstreamClient
    let writeRecords: WriteRecords
    let authentication: Authentication
    let logger: Logger
    /// Largest write answer read whole to learn its resourceVersion; larger ones stream on and
    /// count as "unknown" for read-your-writes.
    let maxWriteAnswerBytes = 8 << 20
    /// A write fails when the upstream sends nothing for this long (nil: never); reads are not
    /// bounded so, since `watch` and `follow` streams are legitimately silent.
    let writeTimeout: Duration?

    public init(
        client: UpstreamClient, writeRecords: WriteRecords, authentication: Authentication, writeTimeout: Duration? = nil,
        logger: Logger
    ) {
        self.client = client
        self.writeRecords = writeRecords
        self.authentication = authentication
        self.writeTimeout = writeTimeout
        self.logger = logger
    }

    public func forward(_ request: ProxyRequest, info: RequestInfo?, body: RequestBody) async -> ProxyResponse {
        var upstreamRequest = UpstreamRequest(
            method: request.method, pathAndQuery: request.uri, headers: forwardedHeaders(of: request),
            verb: info?.verb?.rawValue)
        if authentication == .passthrough {
            guard let token = Self.bearerToken(of: request) else {
                return .status(.bearerTokenRequired, source: .cache)
            }
            upstreamRequest.bearerTokenOverride = SecretString(token)
        }
        if Self.hasBody(request) {
            upstreamRequest.body = .stream(WholeBody(body: body), contentLength: body.contentLength)
        }
        if Self.isWrite(request.method) { upstreamRequest.lowSpeedTimeout = writeTimeout }
        let stream: UpstreamStream
        do {
            stream = try await client.stream(upstreamRequest)
        } catch {
            logger.warning("upstream request failed", metadata: ["method": "\(request.method)", "error": "\(error)"])
            return .status(.serviceUnavailable("the upstream API server is unreachable: \(error)", retryAfterSeconds: 1), source: .upstream)
        }
        let headers = Self.endToEnd(stream.headers)
        if let info, Self.isWrite(request.method), !Self.isDryRun(request), (200..<300).contains(stream.status) {
            return await readWriteAnswer(stream, headers: headers, info: info, request: request)
        }
        return ProxyResponse(status: stream.status, headers: headers, body: .upstream(stream, cancel: { stream.cancel() }), source: .upstream)
    }

    /// Reads a successful write's answer, records what it tells later reads, and returns it.
    private func readWriteAnswer(_ stream: UpstreamStream, headers: [(name: String, value: String)], info: RequestInfo, request: ProxyRequest) async -> ProxyResponse {
        var bytes: [UInt8] = []
        var iterator = stream.makeAsyncIterator()
        do {
            while let chunk = try await iterator.next() {
                bytes += chunk
                if bytes.count > maxWriteAnswerBytes {
                    writeRecords.record(.unknown, for: info.groupVersionResource)
                    let rest = PrefixedBody(prefix: bytes, rest: stream)
                    return ProxyResponse(status: stream.status, headers: headers, body: .upstream(rest, cancel: { stream.cancel() }), source: .upstream)
                }
            }
        } catch {
            writeRecords.record(.unknown, for: info.groupVersionResource)
            return .status(.serviceUnavailable("the upstream API server's answer broke off: \(error)", retryAfterSeconds: 1), source: .upstream)
        }
        let outcome = WriteAnswer.outcome(
            method: request.method, info: info, contentType: stream.headers["Content-Type"], body: bytes)
        writeRecords.record(outcome, for: info.groupVersionResource)
        var headers = headers
        headers.removeAll { $0.name.caseInsensitiveEquals("Content-Length") }
        return ProxyResponse(status: stream.status, headers: headers, body: .bytes(bytes), source: .upstream)
    }

    /// Hop-by-hop headers (RFC 9110 §7.6.1) and those libcurl sets itself.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length", "expect",
    ]

    private func forwardedHeaders(of request: ProxyRequest) -> HeaderFields {
        let named = Set((request.header("Connection") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " ").lowercased() })
        var headers = HeaderFields()
        for (name, value) in request.headers {
            let lower = name.lowercased()
            if Self.hopByHop.contains(lower) || named.contains(lower) { continue }
            if lower == "authorization" { continue }
            if lower.hasPrefix("impersonate-") && authentication == .none { continue }
            headers.append(name: name, value: value)
        }
        return headers
    }

    static func endToEnd(_ headers: HeaderFields) -> [(name: String, value: String)] {
        headers.fields.filter { !hopByHop.contains($0.name.lowercased()) || $0.name.caseInsensitiveEquals("Content-Length") }
            .map { ($0.name, $0.value) }
    }

    static func bearerToken(of request: ProxyRequest) -> String? {
        guard let value = request.header("Authorization"), value.count > 7,
              value.prefix(7).lowercased() == "bearer " else { return nil }
        return String(value.dropFirst(7)).trimmingCharacters(in: " ")
    }

    static func isWrite(_ method: String) -> Bool {
        method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE"
    }

    /// A `dryRun` write (`kubectl diff`, `--dry-run=server`, Argo CD's diffing) changes
    /// nothing, so it tells later reads nothing; its answer (a create's has no resourceVersion)
    /// must not send them upstream.
    static func isDryRun(_ request: ProxyRequest) -> Bool {
        guard let mark = request.uri.firstIndex(of: "?") else { return false }
        return QueryString(request.uri[request.uri.index(after: mark)...]).values(for: "dryRun").contains { !$0.isEmpty }
    }

    static func hasBody(_ request: ProxyRequest) -> Bool {
        if let length = request.header("Content-Length").flatMap(Int.init) { return length > 0 }
        return request.header("Transfer-Encoding") != nil
    }
}

/// Bytes already read, then the rest of an upstream body (whose reading state lives in the
/// stream, so a fresh iterator continues where the last one stopped).
struct PrefixedBody: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    typealias Failure = any Error
    let prefix: [UInt8]
    let rest: UpstreamStream

    func makeAsyncIterator() -> Iterator { Iterator(prefix: prefix, rest: rest.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var prefix: [UInt8]?
        var rest: UpstreamStream.Iterator

        mutating func next() async throws -> [UInt8]? {
            if let prefix {
                self.prefix = nil
                return prefix
            }
            return try await rest.next()
        }
    }
}

/// A client's body as forwarded upstream: its chunks, then a failure instead of a clean end
/// when the client's body was cut off, so the upload is aborted rather than completed.
struct WholeBody: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    typealias Failure = any Error
    let body: RequestBody

    /// The client's body ended before it was complete.
    struct CutOff: Error, CustomStringConvertible {
        var description: String { "the client's request body was cut off" }
    }

    func makeAsyncIterator() -> Iterator { Iterator(body: body, chunks: body.chunks.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        let body: RequestBody
        var chunks: AsyncStream<[UInt8]>.Iterator

        mutating func next() async throws -> [UInt8]? {
            if let chunk = await chunks.next() { return chunk }
            guard body.isComplete else { throw CutOff() }
            return nil
        }
    }
}
