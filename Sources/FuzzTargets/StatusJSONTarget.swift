import KubeAPI

/// `Status.status(fromJSON:)`: an upstream error body or a watch `ERROR` event's object.
/// Input: the JSON.
///
/// Invariants, beyond "no trap": a Status is only read from RFC 8259 JSON (per the reference
/// parser) nested at most 512 deep whose top level is an object; the slice overload reads the
/// same; encoding the result (`jsonBytes`) and reading it back gives it again; and as the
/// object of an `ERROR` watch event (`WatchEventEncoder.error`) it frames and reads back.
enum StatusJSONTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let reference = ReferenceJSONParser.parse(bytes)
        try FoundationCheck.check(bytes, reference)
        let status = Status.status(fromJSON: bytes)
        let padded = [UInt8(ascii: "\n")] + bytes
        try expect(Status.status(fromJSON: padded[1...]) == status, "status(fromJSON: slice) differs for \(show(bytes))")
        guard let status else { return }

        switch reference {
        case .success(let document):
            try expect(document.facts.maxDepth <= 512 && document.root.value.members != nil,
                       "a Status read from JSON that is too deep or not an object: \(show(bytes))")
        case .failure:
            throw InvariantViolation("a Status read from malformed JSON: \(show(bytes))")
        }

        let encoded = status.jsonBytes
        let decoded = Status.status(fromJSON: encoded)
        try expect(decoded == status, "Status \(status) encodes as \(show(encoded)), which reads back as \(String(describing: decoded))")

        let line = WatchEventEncoder.error(status)
        guard let event = try? WatchEventLine(parsing: line) else {
            throw InvariantViolation("ERROR event does not parse: \(show(line))")
        }
        try expect(event.type == .error && Array(line[event.object]) == encoded, "ERROR event frames the wrong object: \(show(line))")
    }
}
