import KubeAPI

/// One stored state of one object: its JSON encoded once at write time, plus the few parsed
/// facts reads need (key, labels, field-selector values, finalizer state).
///
/// Immutable and shared: the same instance sits in the MVCC revision chain, in watch events
/// and in every LIST page that includes it, so a read never re-encodes or parses an object.
/// `bytes` always starts with the object's `kind` and `apiVersion`; `itemBytes` is what a LIST
/// of a built-in kind writes (the same bytes without those two members).
final class StoredObject: Sendable {
    let key: ObjectKey
    let resourceVersion: UInt64
    let uid: String
    /// The full object, `kind` and `apiVersion` first.
    let bytes: [UInt8]
    /// Index in `bytes` where the members after `kind`/`apiVersion` start (just after their
    /// comma), or 1 when the LIST item keeps them (custom resources).
    let itemStart: Int
    let labels: Labels
    /// Values of the resource's field labels, aligned with `ResourceDefinition.fieldLabels`.
    let fieldValues: [String]
    let hasFinalizers: Bool
    let isDeleting: Bool

    init(
        key: ObjectKey, resourceVersion: UInt64, uid: String, bytes: [UInt8], itemStart: Int,
        labels: Labels, fieldValues: [String], hasFinalizers: Bool, isDeleting: Bool
    ) {
        self.key = key
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.bytes = bytes
        self.itemStart = itemStart
        self.labels = labels
        self.fieldValues = fieldValues
        self.hasFinalizers = hasFinalizers
        self.isDeleting = isDeleting
    }

    /// Appends the object as a LIST item (`{` + members after `kind`/`apiVersion`).
    func appendItem(to out: inout [UInt8]) {
        if itemStart <= 1 {
            out.append(contentsOf: bytes)
        } else {
            out.append(UInt8(ascii: "{"))
            out.append(contentsOf: bytes[itemStart...])
        }
    }

    /// The parsed object, for writes that modify it.
    func parsed() -> JSONObject {
        // The bytes were produced by ObjectCodec from a valid object.
        (try? JSONParser.parse(bytes))?.objectValue ?? JSONObject()
    }
}
