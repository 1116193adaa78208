import Foundation

/// One line of a watch stream: `{"type":…,"object":{…}}`, kept as raw bytes (Sendable) with
/// parsed views for assertions.
public struct WatchEvent: Sendable, CustomStringConvertible {
    /// The line as received, without its newline.
    public var line: [UInt8]

    public init(line: [UInt8]) {
        self.line = line
    }

    /// The whole event parsed.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] ?? [:]
    }

    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR` (empty for a line that is not an event).
    public var type: String { json["type"] as? String ?? "" }

    /// The event's object.
    public var object: [String: Any] { json["object"] as? [String: Any] ?? [:] }

    public var metadata: [String: Any] { object["metadata"] as? [String: Any] ?? [:] }

    public var name: String? { metadata["name"] as? String }
    public var namespace: String? { metadata["namespace"] as? String }
    public var resourceVersion: String? { metadata["resourceVersion"] as? String }
    public var labels: [String: String] { metadata["labels"] as? [String: String] ?? [:] }
    public var annotations: [String: String] { metadata["annotations"] as? [String: String] ?? [:] }

    public var description: String { String(decoding: line, as: UTF8.self) }
}
