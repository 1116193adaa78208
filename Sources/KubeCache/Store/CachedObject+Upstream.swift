import KubeAPI

/// Building cached objects from what the upstream sends, with one scan of each object and at
/// most one copy of its bytes.
extension CachedObject {
    /// An object from a LIST item (a slice of the page's body), with `kind` and `apiVersion`
    /// given back when it lacks them (items of built-in kinds do).
    ///
    /// The common case — an item with neither — is one scan and one allocation: the new bytes
    /// are `{"kind":…,"apiVersion":…,` followed by the item after its `{`.
    public static func fromListItem(_ item: ArraySlice<UInt8>, resource: CachedResource) throws(CacheError) -> CachedObject {
        let parsed = try parse(item, resource: resource)
        let start = item.startIndex
        let apiResource = resource.apiResource
        switch (parsed.metadata.kind, parsed.metadata.apiVersion) {
        case (let kind?, let apiVersion?) where !kind.isEmpty && !apiVersion.isEmpty:
            return try CachedObject(bytes: Array(item)[...], parsed: parsed.shifted(by: -start), resource: resource)
        case (nil, nil) where item.first == UInt8(ascii: "{"):
            var bytes: [UInt8] = Array(#"{"kind":"#.utf8)
            bytes.reserveCapacity(item.count + 64)
            JSONString.append(apiResource.kind, to: &bytes)
            bytes.append(contentsOf: #","apiVersion":"#.utf8)
            JSONString.append(apiResource.apiVersion, to: &bytes)
            let body = item.dropFirst().drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            if body.first != UInt8(ascii: "}") { bytes.append(UInt8(ascii: ",")) }
            let shift = bytes.count - (body.startIndex - start)
            bytes.append(contentsOf: body)
            return try CachedObject(bytes: bytes[...], parsed: parsed.shifted(by: shift - start), resource: resource)
        default:
            // One of the two is present (or empty): let the editor decide, then read again.
            do {
                let edited = try ObjectJSON.settingTypeMeta(kind: apiResource.kind, apiVersion: apiResource.apiVersion, of: Array(item))
                return try CachedObject(json: edited[...], resource: resource)
            } catch let error as CacheError {
                throw error
            } catch {
                throw .malformedObject("\(error)")
            }
        }
    }

    /// An object from a watch event's `object` (a slice of the received line), and the event
    /// line every watcher is sent: `{"type":…,"object":…}\n`, of which the object's bytes are
    /// a slice — one allocation for both.
    public static func fromWatchEvent(
        _ type: WatchEventType, object: ArraySlice<UInt8>, resource: CachedResource
    ) throws(CacheError) -> (object: CachedObject, line: [UInt8]) {
        var parsed = try parse(object, resource: resource)
        var source = object
        if parsed.metadata.kind?.isEmpty ?? true || parsed.metadata.apiVersion?.isEmpty ?? true {
            // Watch objects carry their type meta; one that does not is repaired (rare).
            let repaired = try fromListItem(object, resource: resource)
            source = repaired.bytes
            parsed = try parse(source, resource: resource)
        }
        let line = WatchEventEncoder.encode(type, object: source)
        let objectStart = line.count - 2 - source.count
        let cached = try CachedObject(
            bytes: line[objectStart..<(line.count - 2)], parsed: parsed.shifted(by: objectStart - source.startIndex),
            resource: resource)
        return (cached, line)
    }
}
