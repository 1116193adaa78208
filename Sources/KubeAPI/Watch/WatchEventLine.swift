/// One newline-framed event of a JSON watch stream, `{"type":"ADDED","object":{…}}`, split
/// into its type and the raw byte range of its object.
///
/// Accepts the keys in either order, whitespace anywhere JSON allows it (including the line's
/// trailing newline), and ignores other keys, as client-go's decoder does. The whole line is
/// validated (see `JSONScanner`); it throws `JSONError` when the line is malformed, `type` or
/// `object` is missing (`.missingField`), `type` is not one of the five the API defines
/// (`.unknownEventType`), or `object` is not a JSON object (`.typeMismatch`). For `ERROR`
/// events the object is a `Status`: read it with `Status.status(fromJSON:)`. Allocation-free.
public struct WatchEventLine: Sendable {
    public var type: WatchEventType
    /// Byte range of the event's object (from `{` to `}`) in the parsed bytes.
    public var object: Range<Int>

    public init(type: WatchEventType, object: Range<Int>) {
        self.type = type
        self.object = object
    }

    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONError) {
        var scanner = JSONScanner(bytes)
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.notAnObject, at: scanner.position)
        }
        try scanner.enterContainer(depth: 1)
        var type: WatchEventType?
        var object: Range<Int>?
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            if scanner.equals(key, "type") {
                let start = scanner.position
                guard let token = try scanner.readStringOrNull() else { throw JSONError(.typeMismatch, at: start) }
                guard let parsed = WatchEventLine.eventType(token, in: scanner) else {
                    throw JSONError(.unknownEventType, at: start)
                }
                type = parsed
            } else if scanner.equals(key, "object") {
                guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
                    throw JSONError(.typeMismatch, at: scanner.position)
                }
                object = try scanner.valueRange(depth: 1)
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.finish()
        guard let type, let object else { throw JSONError(.missingField, at: scanner.position) }
        self.type = type
        self.object = object
    }

    public init(parsing bytes: [UInt8]) throws(JSONError) {
        self = try ObjectJSON.withBytes(bytes) { (raw) throws(JSONError) in try WatchEventLine(parsing: raw) }
    }

    /// Parses a slice; `object` is in the slice's indices.
    public init(parsing bytes: ArraySlice<UInt8>) throws(JSONError) {
        self = try ObjectJSON.withBytes(bytes) { (raw) throws(JSONError) in try WatchEventLine(parsing: raw) }
        object = object.lowerBound + bytes.startIndex..<object.upperBound + bytes.startIndex
    }

    private static func eventType(_ token: JSONScanner.StringToken, in scanner: JSONScanner) -> WatchEventType? {
        if scanner.equals(token, "ADDED") { return .added }
        if scanner.equals(token, "MODIFIED") { return .modified }
        if scanner.equals(token, "DELETED") { return .deleted }
        if scanner.equals(token, "BOOKMARK") { return .bookmark }
        if scanner.equals(token, "ERROR") { return .error }
        return nil
    }
}
