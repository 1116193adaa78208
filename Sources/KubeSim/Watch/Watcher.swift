import KubeAPI
import Synchronization

/// One open watch: its filter and the bounded queue of items waiting to be written.
///
/// `offer(_:)` is called by `ObjectStore` under its lock, in resourceVersion order, so every
/// watcher sees events in commit order with no gap between its replayed history and live
/// events. The queue holds at most `queueLimit` items; a watcher that falls that far behind is
/// closed (its stream ends after what was queued, and the client re-watches from the last
/// resourceVersion it saw), as the API server terminates a blocked watcher rather than buffer
/// without bound. Sendable: the continuation is thread-safe, the rest is immutable.
final class Watcher: Sendable {
    let id: Int
    let definition: ResourceDefinition
    let namespace: String?
    let selectors: Selectors
    let allowBookmarks: Bool
    /// Events at or below this resourceVersion are not delivered (watch from N).
    let startResourceVersion: UInt64
    let items: AsyncStream<WatchItem>
    /// Set when the watch is dropped (fault injection, shutdown): the stream stops writing at
    /// once instead of draining its queue.
    let isAborted = Atomic<Bool>(false)
    /// Called once when the watch is aborted: the server closes the connection, which also
    /// unblocks a write stuck behind a client that stopped reading.
    private let abortHandler = Mutex<(@Sendable () -> Void)?>(nil)
    private let continuation: AsyncStream<WatchItem>.Continuation

    init(
        id: Int, definition: ResourceDefinition, namespace: String?, selectors: Selectors,
        allowBookmarks: Bool, startResourceVersion: UInt64, queueLimit: Int
    ) {
        self.id = id
        self.definition = definition
        self.namespace = namespace
        self.selectors = selectors
        self.allowBookmarks = allowBookmarks
        self.startResourceVersion = startResourceVersion
        (items, continuation) = AsyncStream.makeStream(of: WatchItem.self, bufferingPolicy: .bufferingOldest(max(queueLimit, 1)))
    }

    /// Whether an object state passes the watch's namespace and selectors.
    /// Whether an object state passes the watch's namespace and selectors.
    func matches(_ object: StoredObject) -> Bool {
        if let namespace, object.key.namespace != namespace { return false }
        return selectors.matches(object)
    }

    /// Turns a stored event into what this watcher must see (selector transitions become
    /// ADDED/DELETED), if anything. Pure; used for live events and for history replay.
    func translate(_ event: StoreEvent) -> (WatchEventType, StoredObject)? {
        guard event.resourceVersion > startResourceVersion else { return nil }
        switch event.type {
        case .added:
            return matches(event.object) ? (.added, event.object) : nil
        case .deleted:
            return matches(event.previous ?? event.object) ? (.deleted, event.object) : nil
        default:
            let now = matches(event.object)
            let before = event.previous.map(matches) ?? false
            switch (before, now) {
            case (true, true): return (.modified, event.object)
            case (false, true): return (.added, event.object)
            case (true, false):
                // Stopped matching: its previous state, stamped with this event's RV.
                let previous = event.previous!
                return (.deleted, ObjectCodec.restamp(previous, resourceVersion: event.resourceVersion, definition: definition))
            case (false, false): return nil
            }
        }
    }

    /// Queues an event; returns false when the watcher is closed or overflowed (remove it).
    @discardableResult
    func offer(_ event: StoreEvent, now: ContinuousClock.Instant) -> Bool {
        guard let (type, object) = translate(event) else { return true }
        return push(.event(type, object, queuedAt: now))
    }

    /// Queues an item; on overflow the stream is finished. Returns false when closed.
    @discardableResult
    func push(_ item: WatchItem) -> Bool {
        switch continuation.yield(item) {
        case .enqueued: return true
        case .dropped:
            // Too far behind: close it, as the API server terminates a blocked watcher.
            abort()
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }

    /// Ends the stream after the items already queued.
    func close() {
        continuation.finish()
    }

    /// Ends the stream now, dropping what is queued (a dropped connection).
    func abort() {
        isAborted.store(true, ordering: .relaxed)
        continuation.finish()
        let handler = abortHandler.withLock { handler -> (@Sendable () -> Void)? in
            defer { handler = nil }
            return handler
        }
        handler?()
    }

    /// Sets what `abort()` does besides ending the stream (runs at once if already aborted).
    func onAbort(_ handler: @escaping @Sendable () -> Void) {
        abortHandler.withLock { $0 = handler }
        if isAborted.load(ordering: .relaxed) {
            let pending = abortHandler.withLock { stored -> (@Sendable () -> Void)? in
                defer { stored = nil }
                return stored
            }
            pending?()
        }
    }
}
