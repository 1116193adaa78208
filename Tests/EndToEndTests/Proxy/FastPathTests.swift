import Foundation
import KubeProxy
import KubeTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cached-read fast path (`CachedReadFastPath`): keep-alive GETs whose answer is a small
/// complete body are answered in front of NIO's HTTP handlers, everything else goes on to them.
/// Seen from a client over raw sockets, both paths must answer alike and in order, whatever
/// mix of requests arrives on one connection and however the bytes are split.
@Suite("Proxy: cached-read fast path")
struct FastPathTests {
    static let cm0 = "/api/v1/namespaces/ns-0/configmaps/cm-0"

    /// A keep-alive HTTP/1.1 GET of `path`.
    static func get(_ path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: kcache\r\nAccept: application/json\r\n\r\n"
    }

    /// A configmap named `name`, as JSON.
    static func configMap(_ name: String) -> String {
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"k":"v"}}"#
    }

    /// Seven requests pipelined in one send — fast-path GETs, a 404, a write with a
    /// `Content-Length` body, a read of that write, a LIST — are answered in the order sent,
    /// each with its own content: the body of the write is passed on byte for byte and framing
    /// resumes after it, GETs behind a request still being answered wait for it, and the read
    /// of the write sees it (read-your-writes holds through the fast path).
    @Test func pipelinedMixIsAnsweredInOrder() async throws {
        try await HardeningFixture.with { fixture in
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let reader = PipelinedResponses(socket)
            let created = "fast-path-created"
            let json = Self.configMap(created)
            let requests = [
                Self.get(Self.cm0),
                Self.get("/api/v1/namespaces/ns-0/configmaps/no-such-configmap"),
                "POST /api/v1/namespaces/ns-0/configmaps HTTP/1.1\r\nHost: kcache\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(json.utf8.count)\r\n\r\n\(json)",
                Self.get("/api/v1/namespaces/ns-0/configmaps/\(created)"),
                Self.get("/api/v1/namespaces/ns-0/configmaps/cm-1"),
                Self.get("/api/v1/namespaces/ns-0/configmaps"),
                Self.get("/api/v1/namespaces/ns-0/configmaps/cm-2"),
            ]
            try socket.send(Array(requests.joined().utf8))
            let responses = try await reader.next(requests.count)

            let get0 = responses[0]
            #expect(get0.status == 200, "GET cm-0: \(get0)")
            #expect(get0.name == "cm-0" && get0.namespace == "ns-0", "GET cm-0: \(get0)")
            #expect(get0.header("x-kcache-source") == "cache")

            let missing = responses[1]
            #expect(missing.status == 404, "GET missing: \(missing)")
            #expect(missing.object["kind"] as? String == "Status", "GET missing: \(missing)")
            #expect(missing.object["reason"] as? String == "NotFound", "GET missing: \(missing)")
            #expect(missing.object["code"] as? Int == 404, "GET missing: \(missing)")

            let post = responses[2]
            #expect(post.status == 201, "POST: \(post)")
            #expect(post.name == created && post.namespace == "ns-0", "POST: \(post)")
            #expect(post.header("x-kcache-source") == "upstream")

            let readBack = responses[3]
            #expect(readBack.status == 200, "GET of the write: \(readBack)")
            #expect(readBack.name == created, "GET of the write: \(readBack)")
            #expect(readBack.object["data"] as? [String: String] == ["k": "v"], "GET of the write: \(readBack)")

            let get1 = responses[4]
            #expect(get1.status == 200 && get1.name == "cm-1", "GET cm-1: \(get1)")

            let list = responses[5]
            #expect(list.status == 200, "LIST: \(list)")
            #expect(list.object["kind"] as? String == "ConfigMapList", "LIST: \(list)")
            let names = ((list.object["items"] as? [[String: Any]]) ?? []).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
            #expect(Set(names) == ["cm-0", "cm-1", "cm-2", created], "LIST: \(names)")

            let get2 = responses[6]
            #expect(get2.status == 200 && get2.name == "cm-2", "GET cm-2: \(get2)")

            // Nothing more came, and the connection still serves.
            #expect(reader.buffered.isEmpty, "\(reader.buffered.count) unexpected bytes after the seventh response")
            try socket.send(Array(Self.get("/api/v1/namespaces/ns-1/configmaps/cm-0").utf8))
            let after = try await reader.next()
            #expect(after.status == 200 && after.name == "cm-0" && after.namespace == "ns-1", "GET ns-1/cm-0: \(after)")
        }
    }

    /// A GET head arriving one byte per write (with Nagle off, so each byte goes as it is
    /// sent) is framed across all those reads, answered only once complete, with the object
    /// asked for; the connection then answers a second GET.
    @Test func headSentByteByByteIsAnswered() async throws {
        try await HardeningFixture.with { fixture in
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            var noDelay: Int32 = 1
            setsockopt(socket.descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let reader = PipelinedResponses(socket)

            let head = Array(Self.get(Self.cm0).utf8)
            var answeredEarly = false
            for byte in head {
                // An answer already there before the head's last byte was sent is an answer to
                // a head kcache had not received yet.
                if socket.isReadable(withinMilliseconds: 0) { answeredEarly = true }
                try socket.send([byte])
            }
            #expect(!answeredEarly, "kcache answered before the head was complete")
            let first = try await reader.next()
            #expect(first.status == 200, "\(first)")
            #expect(first.name == "cm-0" && first.namespace == "ns-0", "\(first)")

            try socket.send(Array(Self.get("/api/v1/namespaces/ns-0/configmaps/cm-1").utf8))
            let second = try await reader.next()
            #expect(second.status == 200, "\(second)")
            #expect(second.name == "cm-1" && second.namespace == "ns-0", "\(second)")
            #expect(reader.buffered.isEmpty)
        }
    }

    /// The fast path answers a cached GET exactly as NIO's path does: the same status line,
    /// headers and body bytes. Connection A's GET is answered by the fast path; connection B
    /// first sends a `Transfer-Encoding: chunked` write, which hands B to NIO's decoder for
    /// good, so B's GET is answered by `HTTPConnectionHandler` through NIO's encoder.
    @Test func fastAndNIOPathsAnswerAlike() async throws {
        try await HardeningFixture.with { fixture in
            let a = try RawSocket(port: fixture.port)
            defer { a.close() }
            let readerA = PipelinedResponses(a)
            try a.send(Array(Self.get(Self.cm0).utf8))
            let fast = try await readerA.next()
            #expect(fast.status == 200 && fast.name == "cm-0", "fast path: \(fast)")

            let b = try RawSocket(port: fixture.port)
            defer { b.close() }
            let readerB = PipelinedResponses(b)
            let json = Self.configMap("chunked-created")
            let middle = json.utf8.count / 2
            let firstPart = String(json.prefix(middle))
            let secondPart = String(json.dropFirst(middle))
            let chunked = "POST /api/v1/namespaces/ns-1/configmaps HTTP/1.1\r\nHost: kcache\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + String(firstPart.utf8.count, radix: 16) + "\r\n" + firstPart + "\r\n"
                + String(secondPart.utf8.count, radix: 16) + "\r\n" + secondPart + "\r\n0\r\n\r\n"
            try b.send(Array(chunked.utf8))
            let post = try await readerB.next()
            #expect(post.status == 201, "chunked POST: \(post)")
            #expect(post.name == "chunked-created" && post.namespace == "ns-1", "chunked POST: \(post)")

            try b.send(Array(Self.get(Self.cm0).utf8))
            let slow = try await readerB.next()
            #expect(slow.status == 200 && slow.name == "cm-0", "NIO path: \(slow)")

            // kcache sends no header that differs per response (no Date, no request ID): a
            // cached GET carries Content-Type, X-Kcache-Source and Content-Length only, so the
            // whole header set is compared.
            #expect(Set(fast.headers.map(\.name)) == ["content-type", "x-kcache-source", "content-length"], "\(fast.headers)")
            #expect(fast.statusLine == slow.statusLine)
            #expect(fast.headerSet == slow.headerSet, "fast: \(fast.headers), NIO: \(slow.headers)")
            #expect(fast.headers.count == slow.headers.count, "no header twice on one path only")
            #expect(fast.body == slow.body, "fast: \(fast.text)\nNIO: \(slow.text)")
            #expect(fast.header("content-length") == String(fast.body.count))
        }
    }

    /// A write sent with `Expect: 100-continue` (curl does for large bodies) gets the interim
    /// `100 Continue`, then its answer once the body follows; a fast-answered GET after it on
    /// the same connection is answered too.
    @Test func expectContinueIsAnsweredThenTheWrite() async throws {
        try await HardeningFixture.with { fixture in
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let reader = PipelinedResponses(socket)
            let json = Self.configMap("after-continue")
            try socket.send(Array(("POST /api/v1/namespaces/ns-0/configmaps HTTP/1.1\r\nHost: kcache\r\n"
                + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(json.utf8.count)\r\n\r\n").utf8))
            let interim = try await reader.next(bodyless: true)
            #expect(interim.status == 100, "\(interim)")
            try socket.send(Array(json.utf8))
            let created = try await reader.next()
            #expect(created.status == 201 && created.name == "after-continue", "\(created)")
            try socket.send(Array(Self.get(Self.cm0).utf8))
            let get = try await reader.next()
            #expect(get.status == 200 && get.name == "cm-0", "\(get)")
        }
    }

    /// A `HEAD` of a watch is answered with the watch's head and no body at all: no events
    /// follow on the connection, which then answers a GET.
    @Test func headOfAWatchHasNoBody() async throws {
        try await HardeningFixture.with { fixture in
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let reader = PipelinedResponses(socket)
            try socket.send(Array("HEAD /api/v1/namespaces/ns-0/configmaps?watch=1&timeoutSeconds=1 HTTP/1.1\r\nHost: kcache\r\n\r\n".utf8))
            let head = try await reader.next(bodyless: true)
            #expect(head.status == 200, "\(head)")
            try socket.send(Array(Self.get(Self.cm0).utf8))
            let get = try await reader.next()
            #expect(get.statusLine.hasPrefix("HTTP/1.1 200"), "the next bytes are not the GET's answer: \(get)")
            #expect(get.name == "cm-0", "\(get)")
        }
    }

    /// A malformed head after fast-answered GETs on one connection goes to NIO's decoder,
    /// which answers it `400` with a `Status` and closes the connection, after the GETs'
    /// answers. A `HEAD` (never fast-pathed) is answered with the GET's `Content-Length` and
    /// no body, and GETs after it on the same connection, sent later or pipelined with more
    /// HEADs, are answered in full: NIO's decoder and encoder still pair each response with
    /// its request though the fast-answered GETs in between never passed through them.
    @Test func malformedHeadAndHEADGoToNIO() async throws {
        try await HardeningFixture.with { fixture in
            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let reader = PipelinedResponses(socket)
            // Two fast GETs answered one by one, then two more in the same send as the malformed head.
            for name in ["cm-0", "cm-1"] {
                try socket.send(Array(Self.get("/api/v1/namespaces/ns-0/configmaps/\(name)").utf8))
                let response = try await reader.next()
                #expect(response.status == 200 && response.name == name, "GET \(name): \(response)")
            }
            let malformed = "GET \(Self.cm0) HTTP/1.1\r\nBad Header\r\n\r\n"
            try socket.send(Array((Self.get("/api/v1/namespaces/ns-0/configmaps/cm-2") + Self.get(Self.cm0) + malformed).utf8))
            let cm2 = try await reader.next()
            #expect(cm2.status == 200 && cm2.name == "cm-2", "GET cm-2: \(cm2)")
            let cm0 = try await reader.next()
            #expect(cm0.status == 200 && cm0.name == "cm-0", "GET cm-0: \(cm0)")
            let rejected = try await reader.next()
            #expect(rejected.status == 400, "malformed: \(rejected)")
            #expect(rejected.object["kind"] as? String == "Status", "malformed: \(rejected)")
            #expect(rejected.object["code"] as? Int == 400, "malformed: \(rejected)")
            #expect(rejected.object["reason"] as? String == "BadRequest", "malformed: \(rejected)")
            #expect(rejected.header("connection") == "close", "malformed: \(rejected)")
            #expect(try await reader.readToEnd().isEmpty, "nothing after the 400, then the close")
            try await waitUntil(timeout: .seconds(60), "kcache to close the connection") { socket.isClosedByPeer }

            // HEAD: a head with the GET's Content-Length, no body; then the connection goes on.
            let other = try RawSocket(port: fixture.port)
            defer { other.close() }
            let otherReader = PipelinedResponses(other)
            try other.send(Array(Self.get(Self.cm0).utf8))
            let get = try await otherReader.next()
            #expect(get.status == 200 && get.name == "cm-0", "GET: \(get)")
            try other.send(Array("HEAD \(Self.cm0) HTTP/1.1\r\nHost: kcache\r\nAccept: application/json\r\n\r\n".utf8))
            let head = try await otherReader.next(bodyless: true)
            #expect(head.status == 200, "HEAD: \(head)")
            #expect(head.header("content-length") == String(get.body.count), "HEAD advertises the GET's length: \(head)")
            #expect(head.header("x-kcache-source") == "cache", "HEAD: \(head)")
            try other.send(Array(Self.get("/api/v1/namespaces/ns-0/configmaps/cm-1").utf8))
            // (`next` requires the status line first: body bytes of the HEAD would fail it.)
            let after = try await otherReader.next()
            #expect(after.status == 200 && after.name == "cm-1", "GET after HEAD: \(after)")

            // The same, pipelined: HEAD, GET, HEAD, GET in one send.
            let pipelined = [
                "HEAD \(Self.cm0) HTTP/1.1\r\nHost: kcache\r\n\r\n", Self.get("/api/v1/namespaces/ns-0/configmaps/cm-1"),
                "HEAD /api/v1/namespaces/ns-0/configmaps/cm-2 HTTP/1.1\r\nHost: kcache\r\n\r\n", Self.get(Self.cm0),
            ]
            try other.send(Array(pipelined.joined().utf8))
            let head0 = try await otherReader.next(bodyless: true)
            #expect(head0.status == 200 && head0.header("content-length") == String(get.body.count), "HEAD cm-0: \(head0)")
            let get1 = try await otherReader.next()
            #expect(get1.status == 200 && get1.name == "cm-1", "GET cm-1: \(get1)")
            let head2 = try await otherReader.next(bodyless: true)
            #expect(head2.status == 200 && head2.header("content-length") != nil, "HEAD cm-2: \(head2)")
            let get0 = try await otherReader.next()
            #expect(get0.status == 200 && get0.name == "cm-0" && get0.body == get.body, "GET cm-0: \(get0)")
            #expect(otherReader.buffered.isEmpty, "\(otherReader.buffered.count) unexpected bytes")
        }
    }

    /// Requests the fast path answers are counted like any other:
    /// `kcache_http_requests_total{verb="get",resource="configmaps",code="200",source="cache"}`
    /// grows by at least the 20 GETs sent over one connection (and so does the count of
    /// their durations).
    @Test func fastAnswersAreCounted() async throws {
        try await HardeningFixture.with { fixture in
            let labels = ["verb": "get", "group": "", "resource": "configmaps", "code": "200", "source": "cache"]
            let timed = ["verb": "get", "group": "", "resource": "configmaps", "source": "cache"]
            let before = try await fixture.kcache.scrape()
            let requestsBefore = before.value(MetricNames.httpRequests, labels)
            let durationsBefore = before.value(MetricNames.httpRequestDuration + "_count", timed)

            let socket = try RawSocket(port: fixture.port)
            defer { socket.close() }
            let reader = PipelinedResponses(socket)
            for index in 0..<20 {
                let name = "cm-\(index % 3)"
                try socket.send(Array(Self.get("/api/v1/namespaces/ns-1/configmaps/\(name)").utf8))
                let response = try await reader.next()
                #expect(response.status == 200 && response.name == name, "GET \(index): \(response)")
            }

            // Counted before each answer was written, so already there.
            let after = try await fixture.kcache.scrape()
            let requestsAfter = after.value(MetricNames.httpRequests, labels)
            #expect(requestsAfter - requestsBefore >= 20, "\(MetricNames.httpRequests) \(requestsBefore) → \(requestsAfter)")
            #expect(after.has(MetricNames.httpRequestDuration + "_count"))
            let durationsAfter = after.value(MetricNames.httpRequestDuration + "_count", timed)
            #expect(durationsAfter - durationsBefore >= 20, "durations counted \(durationsBefore) → \(durationsAfter)")
        }
    }

    /// A head over a configured `maxHeaderBytes` below the fast path's 64 KiB framing limit is
    /// refused `431` with a `Status` for a cached GET of one object, as it is for a LIST (which
    /// the fast path passes on to NIO's decoder, and so to the limit): the fast path frames
    /// only heads within the limit.
    @Test func headOverAConfiguredLimitIsRefusedOnTheFastPathToo() async throws {
        let limit = 16 << 10
        try await HardeningFixture.with(configure: { $0.server.limits.maxHeaderBytes = limit }) { fixture in
            let before = try await fixture.limitCount(.headerBytes)
            let padding = String(repeating: "p", count: limit + 4096)
            func send(_ path: String) async throws -> ReceivedResponse {
                let socket = try RawSocket(port: fixture.port)
                defer { socket.close() }
                try socket.send(Array("GET \(path) HTTP/1.1\r\nHost: kcache\r\nX-Padding: \(padding)\r\n\r\n".utf8))
                return try await PipelinedResponses(socket).next()
            }
            // The LIST's head goes on to NIO's decoder: refused.
            let list = try await send("/api/v1/configmaps")
            #expect(list.status == 431 && list.object["kind"] as? String == "Status" && list.object["code"] as? Int == 431, "LIST: \(list)")
            try await fixture.expectLimitCount(.headerBytes, atLeast: before + 1)

            let get = try await send(Self.cm0)
            let counted = try await fixture.limitCount(.headerBytes)
            #expect(get.status == 431, "GET of one object with a \(padding.count)-byte header: \(get)")
            #expect(get.object["kind"] as? String == "Status" && get.object["code"] as? Int == 431, "GET: \(get)")
            #expect(counted >= before + 2, "header_bytes counted \(before) → \(counted)")
        }
    }
}

/// One HTTP/1.1 response as received: the status line, the headers in order (names
/// lower-cased), and the body (de-chunked).
private struct ReceivedResponse: CustomStringConvertible {
    var statusLine: String
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    /// The headers as `name: value` lines, in no particular order.
    var headerSet: Set<String> { Set(headers.map { "\($0.name): \($0.value)" }) }
    var text: String { String(decoding: body, as: UTF8.self) }
    var object: [String: Any] { RawSocket.object(body) }
    var name: String? { (object["metadata"] as? [String: Any])?["name"] as? String }
    var namespace: String? { (object["metadata"] as? [String: Any])?["namespace"] as? String }
    var description: String { "\(statusLine) \(headers) \(text.prefix(300))" }
}

/// Reads responses one after another from one connection, keeping the bytes that arrived past
/// one response for the next (pipelined answers arrive together). Each response must start
/// exactly where the last ended, with a status line. Waits with `waitUntil` rather than a
/// blocking read, so that a test waiting for kcache does not hold a thread of the cooperative
/// pool kcache's own tasks (an upstream write, a read-your-writes wait) need to answer it.
private final class PipelinedResponses {
    let socket: RawSocket
    /// Bytes received and not yet read as a response.
    private(set) var buffered: [UInt8] = []
    private var closed = false

    init(_ socket: RawSocket) {
        self.socket = socket
    }

    /// The next `count` responses.
    func next(_ count: Int) async throws -> [ReceivedResponse] {
        var responses: [ReceivedResponse] = []
        for _ in 0..<count { responses.append(try await next()) }
        return responses
    }

    /// The next response; `bodyless` for the answer to a `HEAD`, whose framing headers
    /// describe a body that is not sent.
    func next(bodyless: Bool = false, timeout: Duration = .seconds(60)) async throws -> ReceivedResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while buffered.firstRange(of: separator) == nil {
            try await receive(timeout, "a response head")
        }
        let headEnd = buffered.firstRange(of: separator)!
        let lines = String(decoding: buffered[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard lines[0].hasPrefix("HTTP/1.1 "), let status = Int(lines[0].split(separator: " ")[1]) else {
            throw RawSocket.Failure(description: "not a status line where a response should start: \(lines[0].prefix(200))")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw RawSocket.Failure(description: "a header line without a colon: \(line)")
            }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        buffered.removeSubrange(..<headEnd.upperBound)
        var response = ReceivedResponse(statusLine: lines[0], status: status, headers: headers, body: [])
        if bodyless { return response }
        if let length = response.header("content-length").flatMap(Int.init) {
            response.body = try await take(length, timeout)
        } else if response.header("transfer-encoding") == "chunked" {
            while true {
                let sizeLine = try await line(timeout)
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw RawSocket.Failure(description: "not a chunk size: \(sizeLine)")
                }
                if size == 0 {
                    while try await !line(timeout).isEmpty {}  // trailers
                    break
                }
                response.body += try await take(size, timeout)
                guard try await line(timeout).isEmpty else { throw RawSocket.Failure(description: "no CRLF after a chunk") }
            }
        } else {
            response.body = try await readToEnd(timeout: timeout)
        }
        return response
    }

    /// What arrives until kcache closes the connection (which it must within `timeout`).
    func readToEnd(timeout: Duration = .seconds(60)) async throws -> [UInt8] {
        while !closed { try await receive(timeout, "the connection to close", endAllowed: true) }
        defer { buffered = [] }
        return buffered
    }

    private func take(_ count: Int, _ timeout: Duration) async throws -> [UInt8] {
        while buffered.count < count { try await receive(timeout, "\(count) body bytes") }
        defer { buffered.removeSubrange(..<count) }
        return Array(buffered[..<count])
    }

    /// One CRLF-terminated line, without the CRLF.
    private func line(_ timeout: Duration) async throws -> String {
        let crlf: [UInt8] = [0x0D, 0x0A]
        while buffered.firstRange(of: crlf) == nil { try await receive(timeout, "a line") }
        let end = buffered.firstRange(of: crlf)!
        defer { buffered.removeSubrange(..<end.upperBound) }
        return String(decoding: buffered[..<end.lowerBound], as: UTF8.self)
    }

    /// Waits for bytes and appends them; at the end of the stream (or a reset) throws, unless
    /// `endAllowed`, and marks the connection closed.
    private func receive(_ timeout: Duration, _ what: String, endAllowed: Bool = false) async throws {
        guard !closed else { throw RawSocket.Failure(description: "closed before \(what); have \(buffered.count) bytes") }
        let socket = self.socket
        try await waitUntil(timeout: timeout, "kcache to send \(what)") { socket.isReadable(withinMilliseconds: 0) }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let count = chunk.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count > 0 else {
            closed = true
            if endAllowed { return }
            throw RawSocket.Failure(description: "closed before \(what); have \(buffered.count) bytes")
        }
        buffered += chunk[..<count]
    }
}
