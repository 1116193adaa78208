/// Encodes watch events as the API server writes them on a JSON watch stream: one event per
/// line, `{"type":"ADDED","object":{…}}\n`.
///
/// An event is encoded once and the same bytes go to every watcher that wants it (DESIGN.md
/// invariant 1), so each function returns a fresh, exactly sized buffer and copies the object
/// bytes verbatim; it never parses or checks them. Pure functions, safe from any thread.
///
/// Bookmarks: the API server's cacher builds a bookmark's object from the kind's empty value
/// (`newFunc()`) with only `metadata.resourceVersion` set (and, ending the initial events of a
/// `sendInitialEvents` watch, the annotation `k8s.io/initial-events-end: "true"`), then
/// encodes it like any object of that kind:
/// - custom resources are `Unstructured` maps, which Go encodes with sorted keys:
///   `{"apiVersion":"g/v1","kind":"K","metadata":{"annotations":{…},"resourceVersion":"N"}}`
///   — `.unstructured` reproduces this byte for byte;
/// - built-in kinds are Go structs: `kind`, `apiVersion`, then `metadata` in `ObjectMeta`
///   field order (`resourceVersion` before `annotations`), then the kind's zero-valued fields
///   (a Pod adds `"spec":{"containers":null},"status":{}`; since Kubernetes 1.33 no
///   `"creationTimestamp":null`). `.typed` writes the first part; pass the kind's zero
///   fields as `trailingFields` to match byte for byte. Clients read only the
///   resourceVersion and the annotation.
public enum WatchEventEncoder {
    /// How the API server serializes the kind's objects, which decides a bookmark's key order.
    public enum ObjectEncoding: Sendable {
        /// Built-in kinds (Go structs): `kind`, `apiVersion`, `metadata`.
        case typed
        /// Custom resources (`Unstructured`): keys sorted.
        case unstructured
    }

    /// The annotation that marks the bookmark ending a watch's initial events.
    public static let initialEventsEndAnnotation = "k8s.io/initial-events-end"

    /// `{"type":"<TYPE>","object":<object>}\n`, with `object` copied as is.
    public static func encode(_ type: WatchEventType, object: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(30 + object.count)
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: type.rawValue.utf8)
        out.append(contentsOf: #"","object":"#.utf8)
        out.append(contentsOf: object)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// A `BOOKMARK` event carrying `resourceVersion` (see the type's notes on exact bytes).
    ///
    /// - Parameters:
    ///   - initialEventsEnd: add the `k8s.io/initial-events-end: "true"` annotation.
    ///   - encoding: `.typed` for built-in kinds, `.unstructured` for custom resources.
    ///   - trailingFields: raw JSON members appended after `metadata` for `.typed` (for
    ///     example `"spec":{"containers":null},"status":{}`), without a leading comma.
    public static func bookmark(
        resourceVersion: ResourceVersion, kind: String, apiVersion: String, initialEventsEnd: Bool,
        encoding: ObjectEncoding = .typed, trailingFields: some Collection<UInt8> = EmptyCollection()
    ) -> [UInt8] {
        var object: [UInt8] = []
        object.reserveCapacity(160 + trailingFields.count)
        var annotations: [UInt8] = []
        if initialEventsEnd {
            annotations.append(contentsOf: #""annotations":{"#.utf8)
            JSONString.append(initialEventsEndAnnotation, to: &annotations)
            annotations.append(contentsOf: #":"true"}"#.utf8)
        }
        var version: [UInt8] = Array(#""resourceVersion":"#.utf8)
        JSONString.append(resourceVersion.description, to: &version)

        switch encoding {
        case .typed:
            object.append(contentsOf: #"{"kind":"#.utf8)
            JSONString.append(kind, to: &object)
            object.append(contentsOf: #","apiVersion":"#.utf8)
            JSONString.append(apiVersion, to: &object)
            object.append(contentsOf: #","metadata":{"#.utf8)
            object.append(contentsOf: version)
            if initialEventsEnd {
                object.append(UInt8(ascii: ","))
                object.append(contentsOf: annotations)
            }
            object.append(UInt8(ascii: "}"))
            if !trailingFields.isEmpty {
                object.append(UInt8(ascii: ","))
                object.append(contentsOf: trailingFields)
            }
        case .unstructured:
            object.append(contentsOf: #"{"apiVersion":"#.utf8)
            JSONString.append(apiVersion, to: &object)
            object.append(contentsOf: #","kind":"#.utf8)
            JSONString.append(kind, to: &object)
            object.append(contentsOf: #","metadata":{"#.utf8)
            if initialEventsEnd {
                object.append(contentsOf: annotations)
                object.append(UInt8(ascii: ","))
            }
            object.append(contentsOf: version)
            object.append(UInt8(ascii: "}"))
        }
        object.append(UInt8(ascii: "}"))
        return encode(.bookmark, object: object)
    }

    /// An `ERROR` event carrying `status` (for example `410 Expired`), after which the API
    /// server ends the stream.
    public static func error(_ status: Status) -> [UInt8] {
        encode(.error, object: status.jsonBytes)
    }
}
