import Foundation
import Testing
@testable import KubeUpstream

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
