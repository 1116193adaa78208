import Foundation
import KubeAPI
import KubeCache
import Logging
import Synchronization

/// The resources kcache caches: one `ResourceCache` and one `Reflector` (one upstream
/// LIST+WATCH) per resource, whatever the number of clients (DESIGN.md invariant 3).
///
/// Resources named in `--resources` start at once; with cache-on-demand, another
/// listable+watchable kind starts on its first LIST or WATCH. Kinds in `--exclude` are never
/// cached; once the caches hold `--max-cache-bytes`, new on-demand kinds are refused (they are
/// served by passthrough). Thread-safe; the lock guards only the table of entries.
public final class CacheRegistry: Sendable {
    public struct Configuration: Sendable {
        public var cache = ResourceCache.Configuration()
        public var reflector = Reflector.Configuration()
        /// `resource.group` names never cached (`--exclude`).
        public var exclude: Set<String> = ["secrets", "events", "events.events.k8s.io"]
        /// Start caching a kind on its first LIST or WATCH.
        public var cacheOnDemand = true
        /// Total bytes of cached objects beyond which no new kind is cached on demand.
        public var maxCacheBytes = 2 << 30

        public init() {}
    }

    struct Entry {
        let cache: ResourceCache
        let reflector: Reflector
        let task: Task<Void, Never>
    }

    public let configuration: Configuration
    private let makeListerWatcher: @Sendable (APIResource) -> any ListerWatcher
    private let logger: Logger
    /// The caches by resource; guarded by the mutex.
    private let entries = Mutex<[GroupVersionResource: Entry]>([:])
    private let refusedForSize = Mutex<Int>(0)

    public init(
        configuration: Configuration, logger: Logger,
        makeListerWatcher: @escaping @Sendable (APIResource) -> any ListerWatcher
    ) {
        self.configuration = configuration
        self.logger = logger
        self.makeListerWatcher = makeListerWatcher
    }

    /// True when `resource` is one kcache never caches.
    public func isExcluded(_ resource: GroupVersionResource) -> Bool {
        configuration.exclude.contains(resource.groupResource) || configuration.exclude.contains(resource.resource)
    }

    /// The cache of `resource`, if it exists.
    public func cache(for resource: GroupVersionResource) -> ResourceCache? {
        entries.withLock { $0[resource]?.cache }
    }

    /// The cache of `resource`, starting it when it does not exist yet and `start` allows
    /// (the kind must be listable and watchable, not excluded, and within the byte budget).
    @discardableResult
    public func cache(for resource: APIResource, start: Bool) -> ResourceCache? {
        let gvr = resource.groupVersionResource
        if let existing = cache(for: gvr) { return existing }
        guard start, resource.isListWatchable, !isExcluded(gvr) else { return nil }
        guard totalBytes < configuration.maxCacheBytes else {
            refusedForSize.withLock { $0 += 1 }
            logger.warning("not caching a new kind: the cache holds --max-cache-bytes",
                           metadata: ["resource": "\(gvr.groupResource)"])
            return nil
        }
        return startCache(for: resource, restoring: nil)
    }

    /// Creates the cache of `resource` and starts its reflector; `restoring` fills the cache
    /// first (from a snapshot) so the reflector resumes its watch instead of listing.
    @discardableResult
    public func startCache(for resource: APIResource, restoring: ((ResourceCache) -> Void)?) -> ResourceCache {
        let gvr = resource.groupVersionResource
        return entries.withLock { entries in
            if let existing = entries[gvr] { return existing.cache }
            let cache = ResourceCache(resource: CachedResource(resource), configuration: configuration.cache, logger: logger)
            restoring?(cache)
            let reflector = Reflector(
                cache: cache, listerWatcher: makeListerWatcher(resource), configuration: configuration.reflector,
                logger: logger)
            let task = Task { await reflector.run() }
            entries[gvr] = Entry(cache: cache, reflector: reflector, task: task)
            logger.info("caching resource", metadata: ["resource": "\(gvr.groupResource)"])
            return cache
        }
    }

    /// Every cache, in no particular order.
    public var caches: [ResourceCache] { entries.withLock { $0.values.map(\.cache) } }

    /// Every reflector, for metrics.
    public var reflectors: [Reflector] { entries.withLock { $0.values.map(\.reflector) } }

    /// Why the upstream is failing, when a cache's list/watch fails now: the reason of the
    /// cache failing longest (for `/readyz?verbose`); nil when none is.
    public var upstreamProblem: String? {
        caches.compactMap { cache -> (Date, String)? in
            guard let since = cache.failingSince else { return nil }
            // Restored data stays `restored` while its upstream fails; the reason is the state's.
            var reason = "list/watch failing"
            if case .failing(let why, _) = cache.readiness { reason = why }
            return (since, "\(cache.resource.groupVersionResource.groupResource): \(reason)")
        }.min { $0.0 < $1.0 }?.1
    }

    /// Bytes of objects held by all caches.
    public var totalBytes: Int { caches.reduce(0) { $0 + $1.store.byteCount } }

    /// How many on-demand kinds were refused for lack of room.
    public var kindsRefusedForSize: Int { refusedForSize.withLock { $0 } }

    /// Stops every reflector and ends every watcher.
    public func shutdown() {
        let all = entries.withLock { $0.values.map { $0 } }
        for entry in all {
            entry.task.cancel()
            entry.cache.endAllWatchers()
        }
    }
}
