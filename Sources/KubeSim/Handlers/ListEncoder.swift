import KubeAPI

/// Writes LIST bodies from stored bytes, in the API server's shapes: typed lists
/// `{"kind":"PodList","apiVersion":"v1","metadata":{…},"items":[…]}` with items lacking
/// `kind`/`apiVersion`; custom resource lists with sorted keys
/// (`{"apiVersion":…,"items":[…],"kind":…,"metadata":{"continue":"",…}}`), items complete.
enum ListEncoder {
    /// The whole LIST body (for small answers and the in-process API).
    static func list(
        definition: ResourceDefinition, resourceVersion: UInt64, items: [StoredObject],
        continueToken: String?, remainingItemCount: Int?
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(256) { $0 + $1.bytes.count + 1 })
        let (head, tail) = envelope(definition: definition, resourceVersion: resourceVersion, continueToken: continueToken, remainingItemCount: remainingItemCount)
        out.append(contentsOf: head)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            item.appendItem(to: &out)
        }
        out.append(contentsOf: tail)
        return out
    }

    /// The same body as `list`, handed to `emit` in pieces of about `pieceSize` bytes.
    static func stream(
        definition: ResourceDefinition, resourceVersion: UInt64, items: [StoredObject],
        continueToken: String?, remainingItemCount: Int?, pieceSize: Int = 256 * 1024,
        emit: ([UInt8]) async throws -> Void
    ) async throws {
        let (head, tail) = envelope(definition: definition, resourceVersion: resourceVersion, continueToken: continueToken, remainingItemCount: remainingItemCount)
        var piece = head
        piece.reserveCapacity(pieceSize + 4096)
        for (index, item) in items.enumerated() {
            if index > 0 { piece.append(UInt8(ascii: ",")) }
            item.appendItem(to: &piece)
            if piece.count >= pieceSize {
                try await emit(piece)
                piece.removeAll(keepingCapacity: true)
            }
        }
        piece.append(contentsOf: tail)
        try await emit(piece)
    }

    /// What comes before the items (ending in `[`) and after them (starting with `]`).
    private static func envelope(
        definition: ResourceDefinition, resourceVersion: UInt64, continueToken: String?, remainingItemCount: Int?
    ) -> (head: [UInt8], tail: [UInt8]) {
        var out: [UInt8] = []
        var tail: [UInt8] = []
        if definition.isCustom {
            out.append(contentsOf: #"{"apiVersion":"#.utf8)
            JSONString.append(definition.apiVersion, to: &out)
            out.append(contentsOf: #","items":["#.utf8)
            tail.append(contentsOf: #"],"kind":"#.utf8)
            JSONString.append(definition.kind + "List", to: &tail)
            tail.append(contentsOf: #","metadata":{"continue":"#.utf8)
            JSONString.append(continueToken ?? "", to: &tail)
            if let remainingItemCount {
                tail.append(contentsOf: #","remainingItemCount":"#.utf8)
                tail.append(contentsOf: String(remainingItemCount).utf8)
            }
            tail.append(contentsOf: #","resourceVersion":"#.utf8)
            JSONString.append(String(resourceVersion), to: &tail)
            tail.append(contentsOf: "}}".utf8)
        } else {
            out.append(contentsOf: #"{"kind":"#.utf8)
            JSONString.append(definition.kind + "List", to: &out)
            out.append(contentsOf: #","apiVersion":"#.utf8)
            JSONString.append(definition.apiVersion, to: &out)
            out.append(contentsOf: #","metadata":{"resourceVersion":"#.utf8)
            JSONString.append(String(resourceVersion), to: &out)
            if let continueToken {
                out.append(contentsOf: #","continue":"#.utf8)
                JSONString.append(continueToken, to: &out)
            }
            if let remainingItemCount {
                out.append(contentsOf: #","remainingItemCount":"#.utf8)
                out.append(contentsOf: String(remainingItemCount).utf8)
            }
            out.append(contentsOf: #"},"items":["#.utf8)
            tail.append(contentsOf: "]}".utf8)
        }
        return (out, tail)
    }

    /// The `Status` a DELETE of most built-in kinds answers: success, with the deleted
    /// object's name, group, resource (in `kind`, as the API server does) and uid. The API
    /// server leaves `code` unset here, so the body has none.
    static func deletedStatus(resource: GroupVersionResource, object: StoredObject) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"#.utf8)
        JSONString.append(object.key.name, to: &out)
        if !resource.group.isEmpty {
            out.append(contentsOf: #","group":"#.utf8)
            JSONString.append(resource.group, to: &out)
        }
        out.append(contentsOf: #","kind":"#.utf8)
        JSONString.append(resource.resource, to: &out)
        out.append(contentsOf: #","uid":"#.utf8)
        JSONString.append(object.uid, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }
}
