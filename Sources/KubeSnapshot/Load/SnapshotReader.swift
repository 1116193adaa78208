import Foundation
import KubeAPI
import KubeCache

/// Reads a whole snapshot file into restorable resources and the baseline of the next save.
///
/// Objects are read in one sequential scan of the `objects` table, their bytes copied once
/// out of SQLite into the arrays the restored objects keep, then decoded on every core. The
/// file is checked as it is read: each resource's object and event counts must match its row,
/// every object must parse, and keys must be unique; any contradiction throws
/// `SnapshotError.malformed`, and the caller moves the file aside. Resources `shouldLoad`
/// rejects are not read and are returned as `purges`.
struct SnapshotReader {
    let connection: SQLiteConnection
    let shouldLoad: (GroupVersionResource) -> Bool

    struct Result {
        var restored: [RestoredResource] = []
        var saved: [GroupVersionResource: SavedResource] = [:]
        /// Row ids of resources the file holds but that must not be restored.
        var purges: [Int64] = []
    }

    /// One `resources` row.
    private struct Row {
        var id: Int64
        var resource: CachedResource
        var resourceVersion: ResourceVersion
        var oldestResumable: ResourceVersion
        var savedAt: Date
        var objectCount: Int
        var eventCount: Int
    }

    func read() throws -> Result {
        var result = Result()
        var rows: [Row] = []
        for row in try readRows() {
            if shouldLoad(row.resource.groupVersionResource) {
                rows.append(row)
            } else {
                result.purges.append(row.id)
            }
        }
        var blobs = try readObjectBlobs(of: Set(rows.map(\.id)), allIDs: Set(rows.map(\.id) + result.purges))
        for row in rows {
            let objects = try ParallelDecoder.objects(from: blobs.removeValue(forKey: row.id) ?? [], resource: row.resource)
            var store = Store(resource: row.resource, resourceVersion: row.resourceVersion)
            for object in objects where store.put(object) != nil {
                throw SnapshotError.malformed("\(row.resource.groupVersionResource): duplicate key \(object.key)")
            }
            guard store.count == row.objectCount else {
                throw SnapshotError.malformed(
                    "\(row.resource.groupVersionResource): \(store.count) objects, the row says \(row.objectCount)")
            }
            let (history, tail) = try readEvents(of: row, store: store)
            let gvr = row.resource.groupVersionResource
            result.restored.append(RestoredResource(
                resource: row.resource, store: store, history: history, oldestResumable: row.oldestResumable,
                savedAt: row.savedAt))
            result.saved[gvr] = SavedResource(id: row.id, store: store, savedAt: row.savedAt, events: tail)
        }
        return result
    }

    private func readRows() throws -> [Row] {
        let statement = try connection.prepare("""
            SELECT id, gvr, api_resource, resource_version, oldest_resumable, saved_at, object_count, event_count
            FROM resources ORDER BY id
            """)
        var rows: [Row] = []
        while try statement.step() {
            let apiResource: APIResource
            do {
                apiResource = try APIResourceRecord.decode(statement.text(at: 2))
            } catch {
                throw SnapshotError.malformed("resource \(statement.text(at: 1)): unreadable description: \(error)")
            }
            rows.append(Row(
                id: statement.int64(at: 0), resource: CachedResource(apiResource),
                resourceVersion: ResourceVersion(UInt64(bitPattern: statement.int64(at: 3))),
                oldestResumable: ResourceVersion(UInt64(bitPattern: statement.int64(at: 4))),
                savedAt: Date(timeIntervalSince1970: statement.double(at: 5)),
                objectCount: Int(statement.int64(at: 6)), eventCount: Int(statement.int64(at: 7))))
        }
        return rows
    }

    /// The objects' bytes of the `wanted` resources, by resource id, in one table scan.
    private func readObjectBlobs(of wanted: Set<Int64>, allIDs: Set<Int64>) throws -> [Int64: [[UInt8]]] {
        let statement = try connection.prepare("SELECT resource, bytes FROM objects")
        var blobs: [Int64: [[UInt8]]] = [:]
        while try statement.step() {
            let id = statement.int64(at: 0)
            guard wanted.contains(id) else {
                guard allIDs.contains(id) else { throw SnapshotError.malformed("objects of unknown resource \(id)") }
                continue
            }
            blobs[id, default: []].append(statement.blob(at: 1))
        }
        return blobs
    }

    /// The saved history of `row`, with objects shared with `store` (and with earlier events)
    /// where they are the same version, and what the file holds of it.
    private func readEvents(of row: Row, store: Store) throws -> ([RestoredEvent], SavedEventTail) {
        let statement = try connection.prepare(
            "SELECT seq, type, object, previous FROM events WHERE resource = ?1 ORDER BY seq")
        try statement.bind(row.id, at: 1)
        var events: [RestoredEvent] = []
        var latest: [ObjectKey: CachedObject] = [:]
        var tail = SavedEventTail()
        let name = row.resource.groupVersionResource
        func object(_ bytes: [UInt8]) throws -> CachedObject {
            let parsed: CachedObject
            do {
                parsed = try CachedObject(json: bytes[...], resource: row.resource)
            } catch {
                throw SnapshotError.malformed("\(name): event object: \(error)")
            }
            for candidate in [latest[parsed.key], store[parsed.key]] {
                if let candidate, candidate.resourceVersion == parsed.resourceVersion, candidate.uid == parsed.uid,
                   candidate.bytes == parsed.bytes {
                    return candidate
                }
            }
            return parsed
        }
        while try statement.step() {
            let sequence = statement.int64(at: 0)
            if events.isEmpty {
                tail.firstSequence = sequence
            } else if sequence != tail.nextSequence {
                throw SnapshotError.malformed("\(name): event \(sequence) follows \(tail.nextSequence - 1)")
            }
            guard let type = WatchEventType(rawValue: statement.text(at: 1)) else {
                throw SnapshotError.malformed("\(name): event type \(statement.text(at: 1))")
            }
            let eventObject = try object(statement.blob(at: 2))
            let previous = statement.isNull(at: 3) ? nil : try object(statement.blob(at: 3))
            latest[eventObject.key] = eventObject
            events.append(RestoredEvent(type: type, object: eventObject, previous: previous))
            tail.count += 1
            tail.newest = EventSignature(type: type, object: eventObject)
        }
        guard events.count == row.eventCount else {
            throw SnapshotError.malformed("\(name): \(events.count) events, the row says \(row.eventCount)")
        }
        return (events, tail)
    }
}
