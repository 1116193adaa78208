import NIOCore
import Synchronization

/// Runs work submitted from any thread on one event loop, coalescing bursts into a single
/// hop: the first submission of a burst schedules a drain, later ones only join the queue.
///
/// A cache event wakes every watcher that waits for it — a thousand of them for a busy kind.
/// Without batching that is a thousand `execute` calls (each a lock and possibly an eventfd
/// write) per event loop per event; with it, one per loop, and the loop then writes to every
/// watcher in one go.
final class EventLoopBatcher: Sendable {
    let eventLoop: any EventLoop
    /// Work waiting for the next drain, and whether one is scheduled; guarded by the mutex.
    private let pending = Mutex<(work: [@Sendable () -> Void], isScheduled: Bool)>(([], false))

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `work` on the event loop soon, after work submitted before it.
    func submit(_ work: @escaping @Sendable () -> Void) {
        let schedule = pending.withLock { pending -> Bool in
            pending.work.append(work)
            if pending.isScheduled { return false }
            pending.isScheduled = true
            return true
        }
        if schedule {
            eventLoop.execute { self.drain() }
        }
    }

    private func drain() {
        let work = pending.withLock { pending -> [@Sendable () -> Void] in
            defer {
                pending.work.removeAll(keepingCapacity: true)
                pending.isScheduled = false
            }
            return pending.work
        }
        for item in work { item() }
    }
}

/// One `EventLoopBatcher` per event loop, created on first use.
final class EventLoopBatchers: Sendable {
    /// Guarded by the mutex.
    private let batchers = Mutex<[ObjectIdentifier: EventLoopBatcher]>([:])

    func batcher(for eventLoop: any EventLoop) -> EventLoopBatcher {
        batchers.withLock { batchers in
            let key = ObjectIdentifier(eventLoop)
            if let existing = batchers[key] { return existing }
            let batcher = EventLoopBatcher(eventLoop: eventLoop)
            batchers[key] = batcher
            return batcher
        }
    }
}
