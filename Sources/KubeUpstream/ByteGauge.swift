import Synchronization

/// A shared count of bytes (response bytes buffered between libcurl and consumers), readable
/// from any thread. Each `TransferChannel` adds what it buffers and subtracts what it hands out
/// or discards, so the value is the client's whole buffered total at any instant.
final class ByteGauge: Sendable {
    /// Guarded by atomicity alone: every update is a single wrapping add.
    private let bytes = Atomic<Int>(0)

    func add(_ count: Int) {
        bytes.wrappingAdd(count, ordering: .relaxed)
    }

    var value: Int { bytes.load(ordering: .relaxed) }
}
