import KubeAPI
import Synchronization

/// One client's watch on a `ResourceCache`: a cursor into the resource's event history.
///
/// A watcher owns no queue. Its backlog is the span of history between its cursor and the
/// newest event, which every watcher shares; the cache ends a watcher whose backlog exceeds
/// `maxWatcherLagBytes` (it would otherwise pin history for nobody), and ends it too if the
/// history drops events it has not consumed. So a stalled client costs nothing but its
/// registration, and a live one is fed the same encoded bytes as every other.
///
/// Initial events (`ADDED` for every object of a snapshot taken when the watch began) are
/// produced on demand from that snapshot, as fast as the writer asks for them — under TCP
/// back-pressure and outside the lag bound, so a slow start of a large informer is not taken
/// for a slow watcher. The cursor then continues from the snapshot's position in history, so
/// no change is missed or repeated.
///
/// Use from one writer at a time: call `next(maxBytes:)` until it returns `.idle`, then again
/// after `wake` is called (from any thread). Call `stop()` when the client goes away.
public final class CacheWatcher: Sendable {
    public let id: UInt64
    let cache: ResourceCache
    let filter: ObjectFilter
    /// Events at or below this RV are skipped (a watch from an RV ahead of the cache).
    let startAfter: ResourceVersion
    let allowBookmarks: Bool
    let format: ObjectFormat
    private let wake: WakeSignal
    /// Writer-side progress; only the writer touches it, the lock makes that checkable.
    private let progress: Mutex<Progress>

    struct Progress {
        var initial: InitialEvents?
        /// RV of the last event this watcher consumed (sent or filtered out).
        var position: ResourceVersion
    }

    /// The snapshot being streamed as initial events.
    struct InitialEvents {
        var objects: Store.Objects
        let endBookmark: Bool
        let resourceVersion: ResourceVersion
    }

    init(
        id: UInt64, cache: ResourceCache, request: WatchRequest, position: ResourceVersion,
        initial: InitialEvents?, startAfter: ResourceVersion, wake: WakeSignal
    ) {
        self.wake = wake
        self.id = id
        self.cache = cache
        self.filter = request.filter
        self.allowBookmarks = request.allowBookmarks
        self.format = request.format
        self.startAfter = startAfter
        progress = Mutex(Progress(initial: initial, position: position))
    }

    private static let addedPrefix = ArraySlice(#"{"type":"ADDED","object":"#.utf8)
    private static let lineSuffix = ArraySlice("}\n".utf8)

    /// The next event lines to write, about `maxBytes` of them at most (at least one event).
    public func next(maxBytes: Int) -> WatchBatch {
        var segments: [ArraySlice<UInt8>] = []
        var bytes = 0
        var sent = 0
        progress.withLock { progress in
            guard var initial = progress.initial else { return }
            while bytes < maxBytes, let object = initial.objects.next() {
                guard filter.matches(object) else { continue }
                let objectBytes = object.bytes(in: format)
                segments.append(Self.addedPrefix)
                segments.append(objectBytes)
                segments.append(Self.lineSuffix)
                bytes += objectBytes.count + 30
                sent += 1
            }
            if bytes < maxBytes {
                // Snapshot exhausted: switch to the history.
                if initial.endBookmark {
                    segments.append(ArraySlice(bookmarkLine(at: initial.resourceVersion, initialEventsEnd: true)))
                }
                progress.initial = nil
                progress.position = initial.resourceVersion
                cache.beginStreaming(id)
            } else {
                progress.initial = initial
            }
        }
        if !segments.isEmpty {
            countSent(sent)
            return .events(segments)
        }
        return nextFromHistory(maxBytes: maxBytes)
    }

    private func nextFromHistory(maxBytes: Int) -> WatchBatch {
        var segments: [ArraySlice<UInt8>] = []
        var bytes = 0
        defer { countSent(segments.count) }
        while bytes < maxBytes {
            switch cache.events(for: id, limit: 256) {
            case .ended(let end):
                return segments.isEmpty ? .ended(end) : .events(segments)
            case .fellOutOfHistory:
                return segments.isEmpty ? .ended(.tooSlow) : .events(segments)
            case .idle:
                return segments.isEmpty ? .idle : .events(segments)
            case .events(let events):
                progress.withLock { progress in
                    for event in events {
                        progress.position = event.resourceVersion
                        guard event.resourceVersion > startAfter,
                              let line = event.line(for: filter.matches, format: format) else { continue }
                        segments.append(line[...])
                        bytes += line.count
                    }
                }
            }
        }
        return .events(segments)
    }

    /// Adds `count` event lines to the cache's `watchEventsSent`, once per batch.
    private func countSent(_ count: Int) {
        if count > 0 { cache.watchEventsSent.add(count, ordering: .relaxed) }
    }

    /// A `BOOKMARK` at this watcher's position — the cache's RV when it has consumed every
    /// event — or nil when bookmarks were not asked for or initial events are still streaming.
    public func bookmark() -> [UInt8]? {
        guard allowBookmarks else { return nil }
        guard let position = progress.withLock({ $0.initial == nil ? $0.position : nil }) else { return nil }
        let resourceVersion = max(cache.bookmarkResourceVersion(for: id) ?? position, position, startAfter)
        return bookmarkLine(at: resourceVersion, initialEventsEnd: false)
    }

    /// A `BOOKMARK` line of this watch's kind (or `PartialObjectMetadata` for metadata-only
    /// watches, as the API server converts every event object).
    private func bookmarkLine(at resourceVersion: ResourceVersion, initialEventsEnd: Bool) -> [UInt8] {
        let resource = cache.resource.apiResource
        return switch format {
        case .full:
            WatchEventEncoder.bookmark(
                resourceVersion: resourceVersion, kind: resource.kind, apiVersion: resource.apiVersion,
                initialEventsEnd: initialEventsEnd, encoding: resource.isCustomResource ? .unstructured : .typed)
        case .partialMetadata:
            WatchEventEncoder.bookmark(
                resourceVersion: resourceVersion, kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1",
                initialEventsEnd: initialEventsEnd)
        }
    }

    /// Sets what runs (on any thread) when a watcher that returned `.idle` has something to
    /// write, or has been ended. A wakeup that came before is delivered at once.
    public func setWake(_ handler: @escaping @Sendable () -> Void) {
        wake.setHandler(handler)
    }

    /// True once the cache has ended this watcher (too slow, or shutting down).
    public var isEnded: Bool { cache.isEnded(id) }

    /// Ends the watch from the client's side; the cache forgets it.
    public func stop() {
        cache.removeWatcher(id)
    }
}
