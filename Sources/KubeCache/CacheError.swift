/// Errors of the cache engine that are not answers to a client (those are `Status`).
public enum CacheError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An object or event whose JSON cannot be read or lacks what the cache needs; counted and
    /// logged by the reflector, never fatal.
    case malformedObject(String)
    /// A watch event line that is not a well-formed `{"type":…,"object":…}` event.
    case malformedEvent(String)

    public var description: String {
        switch self {
        case .malformedObject(let reason): "malformed object: \(reason)"
        case .malformedEvent(let reason): "malformed watch event: \(reason)"
        }
    }
}
