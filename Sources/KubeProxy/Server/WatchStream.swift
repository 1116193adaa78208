import KubeCache

/// A watch to stream from the cache: the watcher, when to end it, when to send bookmarks.
///
/// The connection handler pulls the watcher's event lines whenever the socket can take more
/// (so a slow client back-pressures into the cache, whose lag bound then ends it), writes a
/// bookmark every `bookmarkInterval` and 2 s before the deadline — as the API server does —
/// and ends the stream at the deadline.
public struct WatchStream: Sendable {
    public let watcher: CacheWatcher
    /// `timeoutSeconds`, when the client set one.
    public let timeout: Duration?
    public let bookmarkInterval: Duration
    /// The watch's place under `--max-watchers`, held as long as the stream lives.
    let permit: WatchLimiter.Permit?

    public init(watcher: CacheWatcher, timeout: Duration?, bookmarkInterval: Duration, permit: WatchLimiter.Permit? = nil) {
        self.watcher = watcher
        self.timeout = timeout
        self.bookmarkInterval = bookmarkInterval
        self.permit = permit
    }

    /// How long until the next bookmark: `bookmarkInterval`, or 2 s before the deadline when
    /// that comes sooner (`remaining` is the time left until it); nil when no bookmark is due
    /// before the deadline.
    public func delayUntilNextBookmark(remaining: Duration?) -> Duration? {
        guard let remaining else { return bookmarkInterval }
        let beforeDeadline = remaining - .seconds(2)
        if beforeDeadline <= .zero { return nil }
        return min(bookmarkInterval, beforeDeadline)
    }
}
