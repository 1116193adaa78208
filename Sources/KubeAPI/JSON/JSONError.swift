/// Why a byte-level JSON reader of KubeAPI rejected its input, and where.
///
/// Every reader in `JSON/` and `Watch/` (`JSONScanner`, `ObjectJSON`, `ListBody`,
/// `WatchEventLine`) throws this one type, with typed throws, so a rejected input costs no
/// existential box. It is a value with no payload beyond a byte offset, cheap to create and
/// compare; `status` turns it into the `400 BadRequest` a client would see for a bad body.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: String, Hashable, Sendable {
        /// The input ended inside a value (truncated body).
        case unexpectedEnd = "unexpected end of JSON input"
        /// A byte that cannot appear here (`offset` points at it).
        case unexpectedByte = "invalid character"
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape = "invalid escape in string literal"
        /// A raw control character (below U+0020) inside a string.
        case controlCharacterInString = "invalid control character in string literal"
        /// A number that does not follow the JSON grammar (`01`, `1.`, `-`, `1e`).
        case invalidNumber = "invalid number literal"
        /// Objects and arrays nested deeper than `JSONScanner.maxDepth`.
        case tooDeep = "exceeded max depth"
        /// Something other than whitespace after the top-level value.
        case trailingData = "invalid character after top-level value"
        /// The top-level value is not an object where one was required.
        case notAnObject = "expected a JSON object"
        /// A well-formed value of the wrong type for a field this reader interprets
        /// (`"metadata":[]`, `"name":5`, `"items":{}`, a fractional `remainingItemCount`).
        case typeMismatch = "value of the wrong type"
        /// A field a reader requires is absent (`type` or `object` of a watch event).
        case missingField = "required field missing"
        /// A watch event `type` other than the five the API defines.
        case unknownEventType = "unknown watch event type"
    }

    public var reason: Reason
    /// Byte offset into the input at which the problem was found.
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason.rawValue) at byte \(offset)" }

    /// The error as a client would see it: `400 BadRequest`.
    public var status: Status { .badRequest("malformed JSON: \(description)") }
}
