import Foundation
import FuzzTargets
import Testing
@testable import KubeUpstream

/// The upstream `LineFramer` has no public seam a libFuzzer binary could reach without a
/// socket (it is internal to KubeUpstream), so it is not a fuzz target; instead the watch-event
/// corpus, which libFuzzer grows with every `make fuzz`, is replayed through it here in chunks
/// of every small size: the lines must be those of splitting the whole stream at once.
@Suite struct LineFramerReplayTests {
    /// The stream's lines as one split gives them: at `\n`, a trailing `\r` dropped, empty
    /// lines skipped, an unterminated last line kept.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : Array($0) }
            .filter { !$0.isEmpty }
    }

    @Test func framesTheWatchCorpusInAnyChunking() throws {
        let files = try FuzzCorpusTests.corpus(.watchEvent)
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            let expected = LineFramerReplayTests.lines(bytes)
            for chunkSize in [1, 2, 3, 7, 64, max(1, bytes.count)] {
                var framer = LineFramer(maxLineBytes: 1 << 20)
                var lines: [[UInt8]] = []
                for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                    lines += try framer.append(Array(bytes[start..<min(start + chunkSize, bytes.count)]))
                }
                if let last = framer.finish() { lines.append(last) }
                #expect(lines == expected, "\(file.lastPathComponent) in chunks of \(chunkSize)")
            }
        }
    }

    @Test func refusesALineOverTheLimitInAnyChunking() throws {
        for file in try FuzzCorpusTests.corpus(.watchEvent) {
            let bytes = try [UInt8](Data(contentsOf: file))
            let longest = LineFramerReplayTests.lines(bytes).map(\.count).max() ?? 0
            guard longest > 1 else { continue }
            for chunkSize in [1, 5, max(1, bytes.count)] {
                var framer = LineFramer(maxLineBytes: longest - 1)
                var refused = false
                do {
                    for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                        _ = try framer.append(Array(bytes[start..<min(start + chunkSize, bytes.count)]))
                    }
                } catch {
                    refused = true
                }
                #expect(refused, "\(file.lastPathComponent): a \(longest)-byte line passed a limit of \(longest - 1)")
            }
        }
    }
}
