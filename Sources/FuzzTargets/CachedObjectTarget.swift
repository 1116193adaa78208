import KubeAPI
import KubeCache

/// The cache's builders of objects from upstream bytes: `CachedObject.fromListItem` (an item
/// sliced out of a LIST page) and `fromWatchEvent` (an event's object sliced out of its line).
/// Input: the JSON of one or more objects, made into a LIST page and split by `ListBody`, as
/// the reflector does, each item then also sent as a watch event's object (the slices start
/// at `{` and end at `}`, as those parsers make them). Items are cached as Pods or as a
/// custom resource with selectable fields.
///
/// Invariants, beyond "no trap":
/// - Both succeed exactly when the item's metadata reads and it has a name and a numeric
///   resourceVersion; both give the same bytes, whatever the slice's indices.
/// - The cached bytes re-read to the object's key, uid, resourceVersion, labels and
///   termination state; they carry `kind` and `apiVersion` (the input's when it has them,
///   else the resource's), each once, but for a `null` member the input carried (see
///   `checkMembers`); every other top-level member is the input's, byte for byte;
///   `metadataRange` is in bounds and holds the input's metadata bytes.
/// - Field values are those `SelectableFields` says, read with `ObjectJSON.fieldValues`.
/// - `listItemBody`, when present, is the object without its type meta; the watch line frames
///   the cached bytes exactly.
enum CachedObjectTarget {
    static let pods = CachedResource(APIResource(
        groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "pods"), kind: "Pod", namespaced: true))
    static let widgets = CachedResource(APIResource(
        groupVersionResource: GroupVersionResource(group: "example.com", version: "v1", resource: "widgets"), kind: "Widget",
        namespaced: true, selectableFields: [".spec.color", "status.phase"], isCustomResource: true))

    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let resource = bytes.count % 2 == 0 ? pods : widgets
        let pagePrefix = Array(#"{"items":["#.utf8)
        let page = pagePrefix + bytes + Array("]}".utf8)
        guard let list = try? ListBody(parsing: page) else { return }
        for range in list.items.prefix(4) {
            try checkItem(page[range], resource: resource)
        }
    }

    private static func checkItem(_ item: ArraySlice<UInt8>, resource: CachedResource) throws(InvariantViolation) {
        let input = Array(item)
        let metadata = try? ObjectJSON.metadata(of: input)
        let acceptable = metadata.map { !$0.name.isEmpty && $0.resourceVersion != nil } ?? false
        let listed = try? CachedObject.fromListItem(item, resource: resource)
        let fromArray = try? CachedObject.fromListItem(input[...], resource: resource)
        try expect((listed != nil) == acceptable && (fromArray != nil) == acceptable,
                   "fromListItem \(listed == nil ? "rejects" : "accepts") \(show(input))")
        try expect(listed.map { Array($0.bytes) } == fromArray.map { Array($0.bytes) }, "fromListItem depends on slice indices")

        let type = WatchEventType.allCases[input.count % WatchEventType.allCases.count]
        let received = Array(#"{"type":"ADDED","object":"#.utf8) + input + Array("}".utf8)
        guard let receivedEvent = try? WatchEventLine(parsing: received) else {
            throw InvariantViolation("an event around a LIST item does not parse: \(show(received))")
        }
        let watched = try? CachedObject.fromWatchEvent(type, object: received[receivedEvent.object], resource: resource)
        try expect((watched != nil) == acceptable, "fromWatchEvent \(watched == nil ? "rejects" : "accepts") \(show(input))")
        guard let listed, let watched, let metadata else { return }
        try expect(Array(watched.object.bytes) == Array(listed.bytes), "watch and list build different bytes for \(show(input))")

        try check(listed, from: input, metadata: metadata, resource: resource)
        try check(watched.object, from: input, metadata: metadata, resource: resource)
        guard let event = try? WatchEventLine(parsing: watched.line) else {
            throw InvariantViolation("fromWatchEvent line does not parse: \(show(watched.line))")
        }
        try expect(event.type == type && event.object == watched.object.bytes.startIndex..<watched.object.bytes.endIndex,
                   "the event line does not frame the cached bytes: \(show(watched.line))")
    }
}
