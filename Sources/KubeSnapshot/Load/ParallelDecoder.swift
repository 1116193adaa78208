import Dispatch
import KubeAPI
import KubeCache
import Synchronization

/// Rebuilds `CachedObject`s from saved rows on every core, from their saved metadata when it
/// is usable (`ObjectMetadataCodec`) or else by parsing their JSON; each object is independent.
///
/// Runs on Dispatch's worker threads (`concurrentPerform`), not on Swift concurrency's
/// cooperative pool; the caller (the snapshot store's queue) blocks until all are done.
/// The result keeps the input's order. Each blob becomes its object's `bytes` without a copy.
enum ParallelDecoder {
    /// Objects per work item: large enough that scheduling is noise, small enough to balance.
    static let chunkSize = 1024

    static func objects(
        from rows: [SavedObjectRow], resource: CachedResource, usesSavedMetadata: Bool
    ) throws(SnapshotError) -> [CachedObject] {
        let count = rows.count
        let fieldCount = resource.fieldPaths.count
        guard count > 0 else { return [] }
        let slots = Slots(count: count)
        defer { slots.deallocate() }
        let failure = Mutex<String?>(nil)
        let chunks = (count + chunkSize - 1) / chunkSize
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) {
                let row = rows[index]
                do {
                    slots.buffer[index] = usesSavedMetadata
                        ? try ObjectMetadataCodec.decode(
                            bytes: row.bytes[...], metadata: row.metadata, resourceVersion: row.resourceVersion,
                            fieldCount: fieldCount)
                        : try CachedObject(json: row.bytes[...], resource: resource)
                } catch {
                    failure.withLock { $0 = $0 ?? "\(resource.groupVersionResource) object \(index): \(error)" }
                    return
                }
            }
        }
        if let reason = failure.withLock({ $0 }) { throw .malformed(reason) }
        return slots.buffer.map { $0! }
    }

    /// Result slots written by the workers, each index by exactly one of them.
    private final class Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<CachedObject?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        func deallocate() {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }
}

/// One `objects` row as read, before decoding.
struct SavedObjectRow: Sendable {
    var bytes: [UInt8]
    var metadata: [UInt8]
    var resourceVersion: ResourceVersion
}
