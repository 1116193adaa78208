import KubeAPI

/// A WATCH the cache is asked to serve.
public struct WatchRequest: Sendable {
    /// Where the stream starts.
    public enum Start: Sendable, Hashable {
        /// Synthetic `ADDED` for every current object, then changes. With `endBookmark`
        /// (`sendInitialEvents=true`), a `BOOKMARK` annotated `k8s.io/initial-events-end`
        /// separates the two.
        case initialEvents(endBookmark: Bool)
        /// Every change after this RV, no synthetic events (resume). An RV ahead of the cache
        /// starts at once and delivers only events after it.
        case after(ResourceVersion)
        /// Changes from now on only (`sendInitialEvents=false` without an RV).
        case now
    }

    public var filter: ObjectFilter
    public var start: Start
    /// `allowWatchBookmarks=true`.
    public var allowBookmarks: Bool
    /// Whole objects, or `PartialObjectMetadata`.
    public var format: ObjectFormat

    public init(filter: ObjectFilter, start: Start, allowBookmarks: Bool, format: ObjectFormat = .full) {
        self.filter = filter
        self.start = start
        self.allowBookmarks = allowBookmarks
        self.format = format
    }

    /// The start a client's list options ask for (KUBERNETES.md, Watches).
    public static func start(for options: ListOptions) -> Start {
        switch (options.sendInitialEvents, options.resourceVersion) {
        case (true?, _): .initialEvents(endBookmark: true)
        case (false?, nil), (false?, .zero?): .now
        case (_, let resourceVersion?) where resourceVersion != .zero: .after(resourceVersion)
        default: .initialEvents(endBookmark: false)
        }
    }
}

/// Why a watch ended from the cache's side.
public enum WatchEnd: Sendable, Hashable {
    /// The watcher fell further behind than its bound (or behind the history); it is closed
    /// so that it never holds memory, and the client re-watches from its last RV.
    case tooSlow
    /// The watch was stopped (the client left, or the cache shut down).
    case stopped
}

/// What `CacheWatcher.next(maxBytes:)` hands the writer.
public enum WatchBatch: Sendable {
    /// Encoded event lines to write, in order, as byte segments (shared, not copied).
    case events([ArraySlice<UInt8>])
    /// Nothing to write now; the watcher's `wake` callback runs when there is.
    case idle
    /// The watch is over; write nothing more and close the stream.
    case ended(WatchEnd)
}

/// A watcher's registration in its cache, guarded by the cache's lock.
struct WatcherSlot {
    /// Sequence of the last history event this watcher consumed.
    var cursor: UInt64
    /// False while initial events stream from a snapshot: the lag bound does not apply then.
    var isStreaming: Bool
    /// True when the watcher found nothing to send and waits for `wake`.
    var isWaiting = false
    var end: WatchEnd?
    let wake: WakeSignal
}
