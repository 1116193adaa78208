import Dispatch
import KubeAPI
import KubeCache
import Synchronization

/// Builds one `Store` per resource from object rows while a table scan is still yielding them:
/// scanning, decoding and building overlap, so a load costs about its slowest stage rather
/// than the sum of the three.
///
/// ```
/// scan (caller) ──batches of 1024 rows──▶ decode (Dispatch workers, concurrently)
///                                            ──▶ put into the store (one serial queue)
/// ```
/// Objects are decoded from their saved metadata when `usesSavedMetadata` (else parsed) and
/// each keeps its row's bytes without a copy. Batches reach the stores in any order; a store
/// does not care, and a key seen twice is an error. Work runs on Dispatch, never on Swift
/// concurrency's cooperative pool.
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
    private let buildQueue = DispatchQueue(label: "kcache.snapshot.build", qos: .utility)
    private let workers = DispatchQueue.global(qos: .utility)
    private let group = DispatchGroup()
    /// The stores being built; touched only on `buildQueue`, then by `finish()` after the
    /// group has drained.
    private var stores: [Int64: Store]
    /// The first error any stage met.
    private let failure = Mutex<String?>(nil)
    /// Busy time summed over all threads, for the load report.
    private let busy = Mutex<(decode: Duration, build: Duration)>((.zero, .zero))
    /// Rows not yet handed to a worker; the scanning thread's alone.
    private var pending: [(id: Int64, row: SavedObjectRow)] = []

    init(targets: [Int64: Target]) {
        self.targets = targets
        stores = targets.mapValues { Store(resource: $0.resource, resourceVersion: $0.resourceVersion) }
        pending.reserveCapacity(Self.batchSize)
    }

    /// True when rows of `id` are expected.
    func builds(_ id: Int64) -> Bool { targets[id] != nil }

    func add(_ row: SavedObjectRow, to id: Int64) {
        pending.append((id, row))
        if pending.count == Self.batchSize { dispatchPending() }
    }

    /// Waits for every row added to be in its store; returns the stores by row id.
    func finish() throws(SnapshotError) -> (stores: [Int64: Store], decode: Duration, build: Duration) {
        dispatchPending()
        group.wait()
        if let reason = failure.withLock({ $0 }) { throw .malformed(reason) }
        let (decode, build) = busy.withLock { $0 }
        return (buildQueue.sync { stores }, decode, build)
    }

    private func dispatchPending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        workers.async(group: group) { [self] in
            let start = ContinuousClock.now
            var objects: [(id: Int64, object: CachedObject)] = []
            objects.reserveCapacity(batch.count)
            for (id, row) in batch {
                guard let target = targets[id] else { continue }
                do {
                    objects.append((id, try decode(row, for: target)))
                } catch {
                    record("\(target.resource.groupVersionResource): \(error)")
                    return
                }
            }
            busy.withLock { $0.decode += .now - start }
            buildQueue.async(group: group) { [self, objects] in
                let start = ContinuousClock.now
                for (id, object) in objects where stores[id]?.put(object) != nil {
                    record("\(object.key) appears twice in \(targets[id]?.resource.groupVersionResource.description ?? "")")
                }
                busy.withLock { $0.build += .now - start }
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
