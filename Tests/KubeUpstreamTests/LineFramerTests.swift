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
