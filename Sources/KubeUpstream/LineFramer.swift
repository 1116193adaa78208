/// Splits a byte stream into lines at `\n`, however the stream was chunked.
///
/// A value type fed chunk by chunk. Lines come out without their `\n` (and without a `\r`
/// before it); empty lines are skipped (the API server never sends them). A line longer than
/// `maxLineBytes` is `.tooLarge`: the bytes seen so far are dropped, and the caller should end
/// the stream. `finish()` returns a last line that had no `\n`. Bytes are scanned once.
struct LineFramer {
    let maxLineBytes: Int
    /// The start of a line whose `\n` has not arrived yet.
    private var partial: [UInt8] = []

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func append(_ chunk: [UInt8]) throws(UpstreamError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = chunk[start..<newline]
            try checkLength(partial.count + piece.count)
            var line: [UInt8]
            if partial.isEmpty {
                line = Array(piece)
            } else {
                line = partial
                line += piece
                partial = []
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
            start = newline + 1
        }
        let rest = chunk[start...]
        try checkLength(partial.count + rest.count)
        partial += rest
        return lines
    }

    /// The unterminated last line, if any.
    mutating func finish() -> [UInt8]? {
        defer { partial = [] }
        if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
        return partial.isEmpty ? nil : partial
    }

    private mutating func checkLength(_ length: Int) throws(UpstreamError) {
        guard length <= maxLineBytes else {
            partial = []
            throw UpstreamError(.tooLarge, "a line of the response exceeds \(maxLineBytes) bytes")
        }
    }
}
