import Foundation
import KubeAPI
import KubeCache

/// Reads a whole snapshot file into restorable resources and the baseline of the next save.
///
/// Objects are read in one sequential scan of the `objects` table, their bytes copied once
/// out of SQLite into the arrays the restored objects keep, and handed to a `StoreBuilder`
/// that decodes them (from their saved metadata, or by parsing when it was saved by code that
/// extracted differently) and builds the stores while the scan goes on. The
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
        var report = SnapshotLoadReport()
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
        /// True when the saved metadata was extracted as the running code would.
        var hasUsableMetadata: Bool
    }

    func read() throws -> Result {
        let clock = ContinuousClock()
        var result = Result()
        var rows: [Row] = []
        for row in try readRows() {
            if shouldLoad(row.resource.groupVersionResource) {
                rows.append(row)
            } else {
                result.purges.append(row.id)
            }
        }
        let builder = StoreBuilder(targets: Dictionary(uniqueKeysWithValues: rows.map { row in
            (row.id, StoreBuilder.Target(
                resource: row.resource, resourceVersion: row.resourceVersion, usesSavedMetadata: row.hasUsableMetadata))
        }))
        var phaseStart = clock.now
        try scanObjects(into: builder, purged: Set(result.purges))
        result.report.readDuration = clock.now - phaseStart
        let (stores, decode, build) = try builder.finish()
        result.report.decodeDuration = decode
        result.report.buildDuration = build
        phaseStart = clock.now
        for row in rows {
            let gvr = row.resource.groupVersionResource
            let store = stores[row.id] ?? Store(resource: row.resource, resourceVersion: row.resourceVersion)
            guard store.count == row.objectCount else {
                throw SnapshotError.malformed("\(gvr): \(store.count) objects, the row says \(row.objectCount)")
            }
            let (history, tail) = try readEvents(of: row, store: store)
            result.restored.append(RestoredResource(
                resource: row.resource, store: store, history: history, oldestResumable: row.oldestResumable,
                savedAt: row.savedAt))
            result.saved[gvr] = SavedResource(id: row.id, store: store, savedAt: row.savedAt, events: tail)
            result.report.resources += 1
            result.report.objects += store.count
            result.report.events += history.count
        }
        result.report.eventsDuration = clock.now - phaseStart
        return result
    }

    private func readRows() throws -> [Row] {
        let statement = try connection.prepare("""
            SELECT id, gvr, api_resource, resource_version, oldest_resumable, saved_at, object_count, event_count,
                   field_paths, metadata_version
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
            let resource = CachedResource(apiResource)
            let fieldPaths = statement.text(at: 8)
            rows.append(Row(
                id: statement.int64(at: 0), resource: resource,
                resourceVersion: ResourceVersion(UInt64(bitPattern: statement.int64(at: 3))),
                oldestResumable: ResourceVersion(UInt64(bitPattern: statement.int64(at: 4))),
                savedAt: Date(timeIntervalSince1970: statement.double(at: 5)),
                objectCount: Int(statement.int64(at: 6)), eventCount: Int(statement.int64(at: 7)),
                hasUsableMetadata: statement.int64(at: 9) == Int64(CachedObject.metadataExtractionVersion)
                    && (fieldPaths.isEmpty ? [] : fieldPaths.split(separator: "\n", omittingEmptySubsequences: false)
                        .map(String.init)) == resource.fieldPaths))
        }
        return rows
    }

    /// Hands every object row of a restored resource to `builder`, in one table scan; rows of
    /// `purged` resources are skipped, rows of any other resource are an error.
    private func scanObjects(into builder: StoreBuilder, purged: Set<Int64>) throws {
        let statement = try connection.prepare("SELECT resource, bytes, metadata, rv FROM objects")
        while try statement.step() {
            let id = statement.int64(at: 0)
            guard !purged.contains(id) else { continue }
            guard builder.builds(id) else { throw SnapshotError.malformed("objects of unknown resource \(id)") }
            builder.add(SavedObjectRow(
                bytes: statement.blob(at: 1), metadata: statement.blob(at: 2),
                resourceVersion: ResourceVersion(UInt64(bitPattern: statement.int64(at: 3)))), to: id)
        }
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
