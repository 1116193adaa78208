import Foundation
import KubeAPI
import KubeCache

/// Writes one resource's part of a save inside the open transaction: its row, the objects
/// that changed since the baseline, and the history tail's new events.
///
/// A short-lived value made per save; used on the snapshot store's executor only.
struct ResourceWriter {
    let statements: SnapshotFile.Statements
    let connection: SQLiteConnection
    let now: Date
    let historyBytes: Int

    /// Writes `snapshot` over what the file holds (`baseline`, nil when nothing) and returns
    /// what the file holds once the transaction commits.
    func write(
        _ resource: CachedResource, _ snapshot: CacheSnapshot, over baseline: SavedResource?,
        report: inout SnapshotSaveReport
    ) throws -> SavedResource {
        let (tail, oldestResumable) = Self.historyTail(of: snapshot, maxBytes: historyBytes)
        let savedAt = snapshot.readiness == .synced ? now : (baseline?.savedAt ?? now)
        let id = try writeRow(
            resource, snapshot: snapshot, oldestResumable: oldestResumable, savedAt: savedAt, eventCount: tail.count)

        let changes = snapshot.store.changes(since: baseline?.store ?? Store(resource: resource))
        let upsert = statements.upsertObject
        var metadata: [UInt8] = []
        for object in changes.upserted {
            ObjectMetadataCodec.encode(object, into: &metadata)
            try upsert.bind(id, at: 1)
            try upsert.bind(object.key.storageKey, at: 2)
            try upsert.bind(Int64(bitPattern: object.resourceVersion.value), at: 3)
            try upsert.bind(blob: object.bytes, at: 4)
            try upsert.bind(blob: metadata[...], at: 5)
            try upsert.run()
        }
        let delete = statements.deleteObject
        for key in changes.removed {
            try delete.bind(id, at: 1)
            try delete.bind(key.storageKey, at: 2)
            try delete.run()
        }
        report.objectsUpserted += changes.upserted.count
        report.objectsDeleted += changes.removed.count

        let plan = EventTailPlan(saved: baseline?.events ?? SavedEventTail(), tail: tail.map(EventSignature.init))
        try writeEvents(tail, plan: plan, resourceID: id, report: &report)
        return SavedResource(id: id, store: snapshot.store, savedAt: savedAt, events: plan.result)
    }

    /// Upserts the resource's row; returns its id.
    private func writeRow(
        _ resource: CachedResource, snapshot: CacheSnapshot, oldestResumable: ResourceVersion, savedAt: Date,
        eventCount: Int
    ) throws -> Int64 {
        let row = statements.upsertResource
        defer { row.reset() }
        try row.bind(resource.groupVersionResource.description, at: 1)
        try row.bind(APIResourceRecord.encode(resource.apiResource), at: 2)
        try row.bind(Int64(bitPattern: snapshot.store.resourceVersion.value), at: 3)
        try row.bind(Int64(bitPattern: oldestResumable.value), at: 4)
        try row.bind(savedAt.timeIntervalSince1970, at: 5)
        try row.bind(Int64(snapshot.store.count), at: 6)
        try row.bind(Int64(eventCount), at: 7)
        try row.bind(resource.fieldPaths.joined(separator: "\n"), at: 8)
        try row.bind(Int64(CachedObject.metadataExtractionVersion), at: 9)
        guard try row.step() else { throw SnapshotError.malformed("upserting \(resource.groupVersionResource) returned no id") }
        let id = row.int64(at: 0)
        while try row.step() {}
        return id
    }

    private func writeEvents(
        _ tail: ArraySlice<WatchCacheEvent>, plan: EventTailPlan, resourceID id: Int64, report: inout SnapshotSaveReport
    ) throws {
        if plan.deletesAll {
            try statements.deleteEvents.bind(id, at: 1)
            try statements.deleteEvents.run()
            report.eventsDeleted += connection.changes
        } else if let before = plan.deleteBefore {
            try statements.deleteEventsBefore.bind(id, at: 1)
            try statements.deleteEventsBefore.bind(before, at: 2)
            try statements.deleteEventsBefore.run()
            report.eventsDeleted += connection.changes
        }
        let insert = statements.insertEvent
        var sequence = plan.firstInsertSequence
        for event in tail.dropFirst(plan.insertFrom) {
            try insert.bind(id, at: 1)
            try insert.bind(sequence, at: 2)
            try insert.bind(event.type.rawValue, at: 3)
            try insert.bind(Int64(bitPattern: event.resourceVersion.value), at: 4)
            try insert.bind(blob: event.object.bytes, at: 5)
            if let previous = event.previous {
                try insert.bind(blob: previous.bytes, at: 6)
            } else {
                try insert.bindNull(at: 6)
            }
            try insert.run()
            sequence += 1
            report.eventsInserted += 1
        }
    }

    /// The newest events of the snapshot's history that fit in `maxBytes` (objects and
    /// previous states), and the RV from which a watch can resume with only them: the
    /// snapshot's bound, or the RV of the newest event left out.
    static func historyTail(
        of snapshot: CacheSnapshot, maxBytes: Int
    ) -> (events: ArraySlice<WatchCacheEvent>, oldestResumable: ResourceVersion) {
        var start = snapshot.events.count
        var bytes = 0
        while start > 0 {
            let event = snapshot.events[start - 1]
            let size = event.object.bytes.count + (event.previous?.bytes.count ?? 0)
            guard bytes + size <= maxBytes else { break }
            bytes += size
            start -= 1
        }
        var oldestResumable = snapshot.oldestResumable
        if start > 0 {
            oldestResumable = max(oldestResumable, snapshot.events[start - 1].resourceVersion)
        }
        return (snapshot.events[start...], oldestResumable)
    }
}
