import Dispatch
import KubeAPI
import KubeCache
import Synchronization

/// Builds one `Store` per resource from object rows while a table scan is still yielding them:
/// scanning and decoding overlap, and each store is then built in one bottom-up pass.
///
/// ```
/// scan (caller) ──batches of 1024 rows──▶ decode (Dispatch workers, concurrently)
///                                            ──▶ collect per resource (one serial queue)
/// finish: batches in scan order ─▶ sorted by key if they are not already ─▶ Store, in O(n)
/// ```
/// Objects are decoded from their saved metadata when `usesSavedMetadata` (else parsed) and
/// each keeps its row's bytes without a copy. A full save writes objects in key order, so the
/// scan usually yields them sorted and the build is one pass; rows added by later incremental
/// saves are put in order by a sort. A key seen twice is an error. Work runs on Dispatch, never
/// on Swift concurrency's cooperative pool.
///
/// Threading: `add(_:to:)` from one thread (the scanning one), then `finish()` once, from the
/// same thread. Rows of a resource without a target must not be added.
final class StoreBuilder: @unchecked Sendable {
    /// What to build for one resource row id.
    struct Target {
        var resource: CachedResource
        var resourceVersion: ResourceVersion
        var usesSavedMetadata: Bool
    }

    /// Rows per decode task: large enough that scheduling is noise, small enough to keep both
    /// cores busy from the first milliseconds of the scan.
    static let batchSize = 1024

    private let targets: [Int64: Target]
    private let collectQueue = DispatchQueue(label: "kcache.snapshot.collect", qos: .utility)
    private let workers = DispatchQueue.global(qos: .utility)
    private let group = DispatchGroup()
    /// Decoded batches per resource, with their position in the scan; touched only on
    /// `collectQueue`, then by `finish()` after the group has drained.
    private var batches: [Int64: [(sequence: Int, objects: [CachedObject])]] = [:]
    /// The first error any stage met.
    private let failure = Mutex<String?>(nil)
    /// Busy time summed over all threads, for the load report.
    private let busy = Mutex<Duration>(.zero)
    /// Rows not yet handed to a worker, and batches handed out; the scanning thread's alone.
    private var pending: [(id: Int64, row: SavedObjectRow)] = []
    private var dispatched = 0

    init(targets: [Int64: Target]) {
        self.targets = targets
        pending.reserveCapacity(Self.batchSize)
    }

    /// True when rows of `id` are expected.
    func builds(_ id: Int64) -> Bool { targets[id] != nil }

    func add(_ row: SavedObjectRow, to id: Int64) {
        pending.append((id, row))
        if pending.count == Self.batchSize { dispatchPending() }
    }

    /// Waits for every row added to be decoded, then builds the stores; returns them by row
    /// id, with the decoding threads' busy time and the time the build took.
    func finish() throws(SnapshotError) -> (stores: [Int64: Store], decode: Duration, build: Duration) {
        dispatchPending()
        group.wait()
        if let reason = failure.withLock({ $0 }) { throw .malformed(reason) }
        let start = ContinuousClock.now
        let collected = collectQueue.sync { batches }
        var stores: [Int64: Store] = [:]
        for (id, target) in targets {
            let objects = try Self.inKeyOrder((collected[id] ?? []).sorted { $0.sequence < $1.sequence }.flatMap(\.objects),
                                              of: target)
            stores[id] = Store(resource: target.resource, sortedObjects: objects, resourceVersion: target.resourceVersion)
        }
        return (stores, busy.withLock { $0 }, .now - start)
    }

    /// `objects` in strictly ascending key order: as they are when they already are (the
    /// usual case), else sorted; a key seen twice is an error.
    private static func inKeyOrder(_ objects: [CachedObject], of target: Target) throws(SnapshotError) -> [CachedObject] {
        var sorted = objects
        if zip(objects, objects.dropFirst()).contains(where: { !($0.key < $1.key) }) {
            sorted.sort { $0.key < $1.key }
        }
        if let (first, _) = zip(sorted, sorted.dropFirst()).first(where: { $0.key == $1.key }) {
            throw .malformed("\(first.key) appears twice in \(target.resource.groupVersionResource)")
        }
        return sorted
    }

    private func dispatchPending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        let sequence = dispatched
        dispatched += 1
        pending.removeAll(keepingCapacity: true)
        workers.async(group: group) { [self] in
            let start = ContinuousClock.now
            var decoded: [Int64: [CachedObject]] = [:]
            for (id, row) in batch {
                guard let target = targets[id] else { continue }
                do {
                    decoded[id, default: []].append(try decode(row, for: target))
                } catch {
                    record("\(target.resource.groupVersionResource): \(error)")
                    return
                }
            }
            busy.withLock { $0 += .now - start }
            collectQueue.async(group: group) { [self, decoded] in
                for (id, objects) in decoded { batches[id, default: []].append((sequence, objects)) }
            }
        }
    }

    private func decode(_ row: SavedObjectRow, for target: Target) throws -> CachedObject {
        target.usesSavedMetadata
            ? try ObjectMetadataCodec.decode(
                bytes: row.bytes[...], metadata: row.metadata, resourceVersion: row.resourceVersion,
                fieldCount: target.resource.fieldPaths.count)
            : try CachedObject(json: row.bytes[...], resource: target.resource)
    }

    private func record(_ reason: String) {
        failure.withLock { $0 = $0 ?? reason }
    }
}

/// One `objects` row as read, before decoding.
struct SavedObjectRow: Sendable {
    var bytes: [UInt8]
    var metadata: [UInt8]
    var resourceVersion: ResourceVersion
}
