import KubeAPI

/// `WatchEventLine(parsing:)` and `WatchEventEncoder`: the framing of a JSON watch stream.
/// Input: stream bytes; each `\n`-terminated line (without a trailing `\r`) is one event, as
/// the upstream line framer hands them over, and the whole input is parsed as one line too.
///
/// Invariants, beyond "no trap":
/// - A line parses exactly when the model below says so (RFC 8259 JSON nested at most 512
///   deep; an object whose last `type` is one of the five event types and last `object` is an
///   object; every `type` a string and every `object` an object), and then `object` is that
///   member's range: in bounds, from `{` to `}`.
/// - Re-encoding the event (`WatchEventEncoder.encode`) and parsing it gives the same type and
///   object bytes; the slice overload gives the object in the slice's indices.
/// - A bookmark encoded from the event's own metadata (arbitrary `kind`/`apiVersion` text,
///   both encodings) parses back with that resourceVersion, kind, apiVersion and annotation.
enum WatchEventTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if !trimmed.isEmpty { try check(Array(trimmed)) }
        }
        if bytes.contains(UInt8(ascii: "\n")) { try check(bytes) }
    }

    private static func check(_ line: [UInt8]) throws(InvariantViolation) {
        let expected: (WatchEventType, Range<Int>)?
        switch ReferenceJSONParser.parse(line) {
        case .success(let document) where document.facts.maxDepth <= 512: expected = model(document)
        default: expected = nil
        }
        let event = try? WatchEventLine(parsing: line)
        try expect(event?.type == expected?.0 && event?.object == expected?.1,
                   "WatchEventLine = \(String(describing: event.map { ($0.type, $0.object) })), expected \(String(describing: expected)) for \(show(line))")
        guard let event else { return }
        let object = Array(line[event.object])
        try expect(object.first == UInt8(ascii: "{") && object.last == UInt8(ascii: "}"), "object range \(event.object) is not an object")

        let padded = [UInt8(ascii: " ")] + line
        let sliced = try? WatchEventLine(parsing: padded[1...])
        try expect(sliced?.object == (event.object.lowerBound + 1)..<(event.object.upperBound + 1), "slice ranges are not the slice's indices")

        let encoded = WatchEventEncoder.encode(event.type, object: object)
        let reparsed = try? WatchEventLine(parsing: encoded)
        try expect(reparsed?.type == event.type && reparsed.map { Array(encoded[$0.object]) } == object,
                   "re-encoded event does not read back: \(show(encoded))")
        if event.type == .error { _ = Status.status(fromJSON: object) }
        if let metadata = try? ObjectJSON.metadata(of: object) { try checkBookmark(metadata, seed: line.count) }
    }

    /// The contract applied to the reference tree; nil when parsing must fail.
    static func model(_ document: ReferenceJSON) -> (WatchEventType, Range<Int>)? {
        guard let members = document.root.value.members else { return nil }
        var type: WatchEventType?
        var object: Range<Int>?
        for member in members {
            if member.hasKey("type") {
                guard let text = member.node.value.string,
                      let parsed = WatchEventType.allCases.first(where: { Array($0.rawValue.utf8) == Array(text.utf8) }) else { return nil }
                type = parsed
            } else if member.hasKey("object") {
                guard member.node.value.members != nil else { return nil }
                object = member.node.range
            }
        }
        guard let type, let object else { return nil }
        return (type, object)
    }

    private static func checkBookmark(_ metadata: ObjectMetadata, seed: Int) throws(InvariantViolation) {
        let rv = metadata.resourceVersion ?? ResourceVersion(UInt64(seed))
        let kind = metadata.kind ?? "", apiVersion = metadata.apiVersion ?? ""
        let initialEventsEnd = seed % 2 == 0
        let encoding: WatchEventEncoder.ObjectEncoding = seed % 3 == 0 ? .unstructured : .typed
        let line = WatchEventEncoder.bookmark(
            resourceVersion: rv, kind: kind, apiVersion: apiVersion, initialEventsEnd: initialEventsEnd,
            encoding: encoding, trailingFields: Array(#""spec":{"containers":null},"status":{}"#.utf8))
        guard let event = try? WatchEventLine(parsing: line), event.type == .bookmark,
              let read = try? ObjectJSON.metadata(of: line[event.object]) else {
            throw InvariantViolation("bookmark does not read back: \(show(line))")
        }
        try expect(read.resourceVersion == rv && read.kind == kind && read.apiVersion == apiVersion,
                   "bookmark reads rv \(String(describing: read.resourceVersion)), kind \(show(read.kind ?? "nil")), apiVersion \(show(read.apiVersion ?? "nil"))")
        guard case .success(let document) = ReferenceJSONParser.parse(Array(line[event.object])) else {
            throw InvariantViolation("bookmark object is not JSON: \(show(line))")
        }
        let annotations = document.root.value.members?.last { $0.hasKey("metadata") }?.node.value.members?
            .last { $0.hasKey("annotations") }?.node.value.members
        let marker = annotations?.last { $0.hasKey(WatchEventEncoder.initialEventsEndAnnotation) }?.node.value.string
        try expect((marker == "true") == initialEventsEnd, "bookmark annotation \(String(describing: marker)), expected \(initialEventsEnd)")
    }
}
