/// Assembles the final response head from libcurl's header callback, one line per call.
///
/// A value type driven by the loop thread. Interim `1xx` heads (100 Continue) are dropped;
/// the head is complete at the blank line after a final status line. Lines after that
/// (chunked trailers) are ignored. More than `maxBytes` of header lines is `.tooLarge`.
///
///     awaitingStatus --"HTTP/x NNN"--> fields --blank, 1xx--> awaitingStatus
///                                        |--blank, final--> complete (further lines ignored)
struct ResponseHeadParser {
    /// What one header line led to.
    enum Outcome: Equatable {
        case needMore
        case complete(ResponseHead)
        case tooLarge
        case malformed(String)
    }

    let maxBytes: Int
    private var status: Int?
    private var version = ""
    private var fields: [(name: String, value: String)] = []
    private var bytes = 0
    private(set) var isComplete = false

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    mutating func consume(_ raw: UnsafeRawBufferPointer) -> Outcome {
        guard !isComplete else { return .needMore }
        bytes += raw.count
        guard bytes <= maxBytes else { return .tooLarge }
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\n") || raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<end]), as: UTF8.self)

        if line.isEmpty {
            guard let status else { return .malformed("a header block without a status line") }
            if (100..<200).contains(status) {  // interim response: the real one follows
                self.status = nil
                fields = []
                return .needMore
            }
            isComplete = true
            return .complete(ResponseHead(status: status, headers: HeaderFields(fields), httpVersion: version))
        }
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count >= 2, let code = Int(parts[1]), (100...999).contains(code) else {
                return .malformed("an invalid status line")
            }
            status = code
            version = String(parts[0])
            fields = []
            return .needMore
        }
        if let first = line.first, first == " " || first == "\t", !fields.isEmpty {  // obsolete folding
            fields[fields.count - 1].value += " " + line.trimmingWhitespace()
            return .needMore
        }
        guard let colon = line.firstIndex(of: ":") else { return .malformed("a header line without a colon") }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        fields.append((name: name, value: value))
        return .needMore
    }
}
