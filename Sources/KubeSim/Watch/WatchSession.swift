import KubeAPI
import Synchronization

/// Writes one watch response: the replay (synthetic ADDEDs or resumed history), the optional
/// initial-events-end bookmark, then live events and bookmarks until the deadline, a drop,
/// an overflow or the client leaving.
///
/// One line of JSON per event, each handed to `write` separately (the server flushes each).
/// A bookmark timer task queues BOOKMARKs through the store, behind the events already queued,
/// every `bookmarkInterval` and 2 s before the deadline (as the API server's cacher does).
/// `run` is called once, by the connection's task; `abort()` may be called from any thread.
final class WatchSession: Sendable {
    let store: ObjectStore
    let faults: Faults
    /// The registration without its replay (which `pendingReplay` holds until it is written).
    let registration: WatchRegistration?
    /// The replay, taken once by `run`, so the objects it names are not retained for the
    /// watch's whole life.
    private let pendingReplay: Mutex<[(WatchEventType, StoredObject)]>
    /// A 410 to send as an ERROR event instead of streaming.
    let expired: Status?
    let deadline: ContinuousClock.Instant?
    let bookmarkInterval: Duration
    /// Objects are written as PartialObjectMetadata (metadata-only watchers).
    let partialMetadata: Bool
    static let replayBatchBytes = 64 * 1024

    init(
        store: ObjectStore, faults: Faults, registration: WatchRegistration?, expired: Status?,
        deadline: ContinuousClock.Instant?, bookmarkInterval: Duration, partialMetadata: Bool = false
    ) {
        self.store = store
        self.faults = faults
        var stripped = registration
        pendingReplay = Mutex(stripped?.replay ?? [])
        stripped?.replay = []
        self.registration = stripped
        self.expired = expired
        self.deadline = deadline
        self.bookmarkInterval = bookmarkInterval
        self.partialMetadata = partialMetadata
    }

    private func body(_ object: StoredObject) -> [UInt8] {
        partialMetadata ? Representation.partialMetadata(object) : object.bytes
    }

    /// Stops the stream now (the client's connection closed, or the watch was dropped).
    func abort() {
        registration?.watcher.abort()
    }

    /// Closes the connection when the watch is aborted (drop fault, slow-watcher overflow).
    func onAbort(_ handler: @escaping @Sendable () -> Void) {
        registration?.watcher.onAbort(handler)
    }

    /// Whether the watch was dropped rather than ended normally (the server then closes the
    /// connection instead of keeping it alive).
    var wasAborted: Bool {
        registration?.watcher.isAborted.load(ordering: .relaxed) ?? false
    }

    func run(write: @Sendable ([UInt8]) async throws -> Void) async {
        if let expired {
            try? await write(WatchSession.line(type: .error, object: expired.jsonBytes))
            return
        }
        guard let registration else { return }
        let watcher = registration.watcher
        let timer = Task { [store, bookmarkInterval, deadline] in
            await WatchSession.runTimer(store: store, watcher: watcher, interval: bookmarkInterval, deadline: deadline)
        }
        defer {
            timer.cancel()
            store.removeWatcher(watcher)
        }
        do {
            // The replay is written in batches of whole lines (a 100k-object initial list is
            // not 100k flushes); live events below are flushed one by one.
            var batch: [UInt8] = []
            var replay = pendingReplay.withLock { pending in
                defer { pending = [] }
                return pending
            }
            for (type, object) in replay {
                if shouldStop(watcher) { return }
                batch.append(contentsOf: WatchSession.line(type: type, object: body(object)))
                if batch.count >= WatchSession.replayBatchBytes {
                    try await write(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            replay = []
            if let end = registration.initialEventsEnd {
                batch.append(contentsOf: WatchSession.line(type: .bookmark, object: bookmarkObject(end, initialEventsEnd: true)))
            }
            if !batch.isEmpty { try await write(batch) }
            for await item in watcher.items {
                if shouldStop(watcher) { return }
                switch item {
                case .event(let type, let object, let queuedAt):
                    let delay = faults.watchEventDelay
                    if delay > .zero {
                        try? await Task.sleep(until: queuedAt + delay, clock: .continuous)
                        if shouldStop(watcher) { return }
                    }
                    try await write(WatchSession.line(type: type, object: body(object)))
                case .bookmark(let version, let initialEventsEnd):
                    guard watcher.allowBookmarks || initialEventsEnd else { continue }
                    try await write(WatchSession.line(type: .bookmark, object: bookmarkObject(version, initialEventsEnd: initialEventsEnd)))
                case .error(let status):
                    try await write(WatchSession.line(type: .error, object: status.jsonBytes))
                    return
                }
            }
        } catch {
            // The client went away mid-write: nothing more to do.
        }
    }

    private func shouldStop(_ watcher: Watcher) -> Bool {
        if watcher.isAborted.load(ordering: .relaxed) || Task.isCancelled { return true }
        if let deadline, ContinuousClock.now >= deadline { return true }
        return false
    }

    /// `{"kind":K,"apiVersion":V,"metadata":{"resourceVersion":"R"}}`, plus the
    /// `k8s.io/initial-events-end` annotation when it ends a WatchList's initial events.
    private func bookmarkObject(_ version: UInt64, initialEventsEnd: Bool) -> [UInt8] {
        let definition = registration!.watcher.definition
        var out: [UInt8] = []
        out.append(contentsOf: #"{"kind":"#.utf8)
        JSONString.append(partialMetadata ? "PartialObjectMetadata" : definition.kind, to: &out)
        out.append(contentsOf: #","apiVersion":"#.utf8)
        JSONString.append(partialMetadata ? "meta.k8s.io/v1" : definition.apiVersion, to: &out)
        out.append(contentsOf: #","metadata":{"resourceVersion":"#.utf8)
        JSONString.append(String(version), to: &out)
        if initialEventsEnd {
            out.append(contentsOf: #","annotations":{"k8s.io/initial-events-end":"true"}"#.utf8)
        }
        out.append(contentsOf: "}}".utf8)
        return out
    }

    static func line(type: WatchEventType, object: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(object.count + 32)
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: type.rawValue.utf8)
        out.append(contentsOf: #"","object":"#.utf8)
        out.append(contentsOf: object)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// Queues bookmarks on schedule and ends the stream at the deadline.
    private static func runTimer(store: ObjectStore, watcher: Watcher, interval: Duration, deadline: ContinuousClock.Instant?) async {
        let clock = ContinuousClock()
        var preDeadlineSent = false
        while !Task.isCancelled {
            let now = clock.now
            var wake = now + (watcher.allowBookmarks ? interval : .seconds(3600))
            var isPreDeadline = false
            if let deadline {
                if watcher.allowBookmarks, !preDeadlineSent, deadline - .seconds(2) < wake {
                    wake = max(now, deadline - .seconds(2))
                    isPreDeadline = true
                }
                if deadline < wake {
                    wake = deadline
                    isPreDeadline = false
                }
            }
            do { try await Task.sleep(until: wake, clock: clock) } catch { return }
            if let deadline, clock.now >= deadline {
                watcher.close()
                return
            }
            if watcher.allowBookmarks {
                store.queueBookmark(for: watcher)
                if isPreDeadline { preDeadlineSent = true }
            }
        }
    }
}
