/// The `type` of a watch event, spelled as on the wire.
public enum WatchEventType: String, Hashable, Sendable, CaseIterable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}
