import Dispatch

/// The serial executor of `SnapshotStore`: every job runs on one utility-QoS dispatch queue,
/// never on Swift concurrency's cooperative pool.
///
/// The store makes blocking SQLite calls (a first save of a large cache writes for seconds);
/// on its own queue they hold up nothing but the store. Jobs run one at a time in the order
/// enqueued, as a serial executor must.
final class SnapshotExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .utility)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
