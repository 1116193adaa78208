import Testing
@testable import KubeUpstream

/// `LineFramer`: lines come out whole however the bytes were chunked.
@Suite struct LineFramerTests {
    static let text = "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\",\"n\":2}\r\n\n{\"type\":\"DELETED\"}\n"
    static let expected = ["{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\",\"n\":2}", "{\"type\":\"DELETED\"}"]

    /// Every chunk size from 1 byte to the whole text.
    @Test(arguments: 1...80)
    func framesLinesAcrossAnyChunking(chunkSize: Int) throws {
        var framer = LineFramer(maxLineBytes: 1024)
        let bytes = Array(Self.text.utf8)
        var lines: [String] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            lines += try framer.append(Array(bytes[start..<end])).map { String(decoding: $0, as: UTF8.self) }
            start = end
        }
        #expect(framer.finish() == nil)
        #expect(lines == Self.expected)
    }

    @Test func unterminatedLastLineComesOutAtFinish() throws {
        var framer = LineFramer(maxLineBytes: 100)
        #expect(try framer.append(Array("a\nbc".utf8)) == [Array("a".utf8)])
        #expect(try framer.append(Array("d".utf8)).isEmpty)
        #expect(framer.finish() == Array("bcd".utf8))
        #expect(framer.finish() == nil)
    }

    @Test func lineOverTheMaximumIsAnError() throws {
        var framer = LineFramer(maxLineBytes: 10)
        #expect(try framer.append(Array("0123456789\n".utf8)) == [Array("0123456789".utf8)])
        _ = try framer.append(Array("01234".utf8))
        let error = #expect(throws: UpstreamError.self) { _ = try framer.append(Array("567890".utf8)) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message == "a line of the response exceeds 10 bytes")
    }

    @Test func lineAtExactlyTheMaximumPassesInPieces() throws {
        var framer = LineFramer(maxLineBytes: 4)
        _ = try framer.append(Array("ab".utf8))
        #expect(try framer.append(Array("cd\nef".utf8)) == [Array("abcd".utf8)])
        #expect(framer.finish() == Array("ef".utf8))
    }
}

/// `ResponseHeadParser`: interim heads, folding, bounds.
@Suite struct ResponseHeadParserTests {
    private func feed(_ parser: inout ResponseHeadParser, _ lines: [String]) -> [ResponseHeadParser.Outcome] {
        lines.map { line in Array((line + "\r\n").utf8).withUnsafeBytes { parser.consume($0) } }
    }

    @Test func skipsInterimHeadsAndKeepsFieldOrder() {
        var parser = ResponseHeadParser(maxBytes: 1000)
        let outcomes = feed(&parser, [
            "HTTP/1.1 100 Continue", "", "HTTP/1.1 201 Created", "Content-Type: application/json",
            "X-A: 1", "x-a:  2 ", "", "Trailer: ignored",
        ])
        let expected = ResponseHead(
            status: 201, headers: HeaderFields([("Content-Type", "application/json"), ("X-A", "1"), ("x-a", "2")]),
            httpVersion: "HTTP/1.1")
        #expect(outcomes == [.needMore, .needMore, .needMore, .needMore, .needMore, .needMore, .complete(expected), .needMore])
        #expect(expected.headers.values(for: "X-A") == ["1", "2"])
    }

    @Test func http2StatusLineAndFoldedValue() {
        var parser = ResponseHeadParser(maxBytes: 1000)
        let outcomes = feed(&parser, ["HTTP/2 200 ", "x-long: a", "  b", ""])
        #expect(outcomes.last == .complete(ResponseHead(
            status: 200, headers: HeaderFields([("x-long", "a b")]), httpVersion: "HTTP/2")))
    }

    @Test(arguments: [
        (["HTTP/1.1 abc OK"], ResponseHeadParser.Outcome.malformed("an invalid status line")),
        (["HTTP/1.1 200 OK", "no colon here"], .malformed("a header line without a colon")),
        ([""], .malformed("a header block without a status line")),
        (["HTTP/1.1 200 OK", "X: " + String(repeating: "v", count: 100)], .tooLarge),
    ])
    func rejectsBadOrOversizedHeads(lines: [String], outcome: ResponseHeadParser.Outcome) {
        var parser = ResponseHeadParser(maxBytes: 64)
        #expect(feed(&parser, lines).last == outcome)
    }
}

/// `RetryAfter.parse`: seconds, HTTP dates, garbage.
@Suite struct RetryAfterTests {
    static let now = ISO8601Now.date

    @Test(arguments: [
        ("3", Duration.seconds(3)), ("0", .zero), (" 120 ", .seconds(120)),
        ("Fri, 01 Jan 2100 00:00:10 GMT", .seconds(10)),
        ("Saturday, 01-Jan-00 00:00:05 GMT", .zero),
        ("Fri Jan  1 00:00:20 2100", .seconds(20)),
        ("Thu, 31 Dec 2099 23:00:00 GMT", .zero),
    ])
    func parses(value: String, expected: Duration) {
        #expect(RetryAfter.parse(value, now: Self.now) == expected)
    }

    @Test(arguments: ["", "-1", "soon", "1.5", "Fri, 99 Foo 2100"])
    func rejects(value: String) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }
}

/// 2100-01-01T00:00:00Z, the reference "now" of the Retry-After tests.
enum ISO8601Now {
    static let date = ExecCredential.parseTimestamp("2100-01-01T00:00:00Z")!
}
