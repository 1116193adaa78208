@testable import KubeProxy
import Testing

/// `RequestHead.frame`: the heads well-behaved clients send are framed and parsed exactly;
/// anything else is left to NIO's decoder (`.unsupported`), never guessed at.
@Suite("RequestHead")
struct RequestHeadTests {
    private func frame(_ text: String, searchFrom: Int = 0) -> RequestHead.Framing {
        Array(text.utf8).withUnsafeBytes { RequestHead.frame($0, searchFrom: searchFrom) }
    }

    private func parsed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> RequestHead? {
        guard case .head(let head) = frame(text) else {
            Issue.record("not framed as a head: \(text.debugDescription)", sourceLocation: sourceLocation)
            return nil
        }
        return head
    }

    private func isUnsupported(_ text: String) -> Bool {
        if case .unsupported = frame(text) { return true }
        return false
    }

    @Test func parsesAKubectlHead() throws {
        let text = "GET /api/v1/namespaces/ns-0/configmaps/cm-0?resourceVersion=0 HTTP/1.1\r\n"
            + "Host: 127.0.0.1:8001\r\nUser-Agent: kubectl/v1.31.0\r\nAccept: application/json, */*\r\n"
            + "Authorization:  Bearer abc\r\n\r\nGET /next"
        let head = try #require(parsed(text))
        #expect(head.method == "GET")
        #expect(head.target == "/api/v1/namespaces/ns-0/configmaps/cm-0?resourceVersion=0")
        #expect(head.isHTTP11)
        #expect(head.headers.map(\.name) == ["Host", "User-Agent", "Accept", "Authorization"])
        #expect(head.headers.map(\.value) == ["127.0.0.1:8001", "kubectl/v1.31.0", "application/json, */*", "Bearer abc"])
        #expect(head.length == text.utf8.count - "GET /next".utf8.count)
        #expect(head.contentLength == nil && !head.needsConnectionHandling)
    }

    @Test func notesFraming() throws {
        let post = try #require(parsed("POST /api/v1/namespaces HTTP/1.1\r\nContent-Length: 42\r\n\r\n"))
        #expect(post.contentLength == 42)
        // Any transfer coding, known or not: its framing, and whether it is allowed, is NIO's call.
        #expect(isUnsupported("POST /x HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"))
        #expect(isUnsupported("POST /x HTTP/1.1\r\nTransfer-Encoding: chqnked\r\n\r\n"))
        for header in ["Connection: close", "Expect: 100-continue"] {
            #expect(try #require(parsed("GET /x HTTP/1.1\r\n\(header)\r\n\r\n")).needsConnectionHandling, "\(header)")
        }
        // After an upgrade request NIO's decoder stops reading: such a connection is NIO's.
        for header in ["connection: Upgrade", "Upgrade: websocket"] {
            #expect(isUnsupported("GET /x HTTP/1.1\r\n\(header)\r\n\r\n"), "\(header)")
        }
        #expect(try #require(parsed("GET /x HTTP/1.1\r\nConnection: keep-alive\r\n\r\n")).needsConnectionHandling == false)
        #expect(try #require(parsed("GET /x HTTP/1.0\r\n\r\n")).isHTTP11 == false)
    }

    @Test func waitsForTheWholeHead() {
        let text = "GET /api HTTP/1.1\r\nHost: a\r\n\r\n"
        for cut in 0..<text.utf8.count {
            let prefix = String(decoding: Array(text.utf8)[..<cut], as: UTF8.self)
            guard case .incomplete = frame(prefix) else {
                Issue.record("framed at \(cut) bytes")
                continue
            }
        }
        // A bare LF, or a CR before anything but LF, is not waited out: NIO's decoder judges it.
        for text in ["GET /api HTTP/1.1\nHost", "GET /api HTTP/1.1\r\nHost: a\n", "GET /api HTTP/1.1\rX"] {
            #expect(isUnsupported(text), "\(text.debugDescription)")
        }
        guard case .incomplete = frame("GET /api HTTP/1.1\r") else {
            Issue.record("a CR at the end of what arrived is the start of a CRLF")
            return
        }
        // A search resumed where the last one stopped still finds a terminator split across reads.
        for resume in 0...text.utf8.count {
            guard case .head(let head) = frame(text, searchFrom: min(resume, text.utf8.count - 1)) else {
                Issue.record("not framed when resuming at \(resume)")
                continue
            }
            #expect(head.length == text.utf8.count)
        }
    }

    @Test func leavesEverythingUnusualToTheDecoder() {
        let unusual = [
            "GET /x HTTP/1.1\nHost: a\r\n\r\n",  // bare LF ending a line
            "GET /x HTTP/1.1\r\nHost: a\rb\r\n\r\n",  // bare CR inside a value
            "GET /x HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",  // obsolete line folding
            "GET /x HTTP/1.1\r\nHost : a\r\n\r\n",  // space before the colon
            "GET /x HTTP/1.1\r\nNo colon\r\n\r\n",
            "GET /x HTTP/1.1\r\n: empty name\r\n\r\n",
            "GET /x HTTP/1.1\r\nX: a\u{01}b\r\n\r\n",  // control character in a value
            "GET /x HTTP/2.0\r\n\r\n",
            "GET /x HTTP/1.10\r\n\r\n",
            "GET /x\r\n\r\n",
            "GET  /x HTTP/1.1\r\n\r\n",  // empty target
            "GET /x y HTTP/1.1\r\n\r\n",
            "G(T /x HTTP/1.1\r\n\r\n",  // not a token
            "PROPFIND /x HTTP/1.1\r\n\r\n",  // not a method Kubernetes clients use
            "GET x HTTP/1.1\r\n\r\n",  // not a path
            "GET http://a/x HTTP/1.1\r\n\r\n",  // absolute form
            "\r\nGET /x HTTP/1.1\r\n\r\n",  // leading empty line
            "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ]
        for text in unusual {
            #expect(isUnsupported(text), "\(text.debugDescription)")
        }
        // Non-ASCII bytes in a value (obs-text) are a value like any other.
        #expect(parsed("GET /x HTTP/1.1\r\nX-Name: caf\u{E9}\r\n\r\n")?.headers.first?.value == "caf\u{E9}")
    }
}
