import Dispatch
import KubeAPI
import KubeCache
import Synchronization

/// Rebuilds `CachedObject`s from saved JSON on every core: parsing metadata is most of a
/// load's work, and each object is independent.
///
/// Runs on Dispatch's worker threads (`concurrentPerform`), not on Swift concurrency's
/// cooperative pool; the caller (the snapshot store's queue) blocks until all are done.
/// The result keeps the input's order. Each blob becomes its object's `bytes` without a copy.
enum ParallelDecoder {
    /// Objects per work item: large enough that scheduling is noise, small enough to balance.
    static let chunkSize = 1024

    static func objects(from blobs: [[UInt8]], resource: CachedResource) throws(SnapshotError) -> [CachedObject] {
        let count = blobs.count
        guard count > 0 else { return [] }
        let slots = Slots(count: count)
        defer { slots.deallocate() }
        let failure = Mutex<String?>(nil)
        let chunks = (count + chunkSize - 1) / chunkSize
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) {
                do {
                    slots.buffer[index] = try CachedObject(json: blobs[index][...], resource: resource)
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
