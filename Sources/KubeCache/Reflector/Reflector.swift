import KubeAPI
import Logging

/// Keeps one `ResourceCache` in step with the upstream: LIST, then WATCH from the list's RV,
/// forever — client-go's Reflector, feeding a cache that serves many clients.
///
/// - Starts with a paged LIST (`limit=500`, consistent: the first page at the most recent RV,
///   the rest by continue token), or, when the cache was restored from a snapshot, directly
///   with a WATCH from the saved RV.
/// - WATCHes with `allowWatchBookmarks=true` and a random timeout of 5–10 minutes; when a watch
///   ends normally it re-watches from the last RV it saw (bookmarks included).
/// - On `410 Expired` (as an error or an `ERROR` event) it relists, and the cache delivers the
///   difference to its watchers as events: clients never relist because the upstream did.
/// - On other errors it backs off (800 ms doubling to 30 s, jittered; `Retry-After` honoured)
///   and marks the cache failing; `403`/`404` for the kind mark it uncached and retry slowly.
/// - A malformed event is counted and logged, then skipped; it never ends the watch.
///
/// `run()` loops until its task is cancelled.
public final class Reflector: Sendable {
    public struct Configuration: Sendable {
        public var pageSize = 500
        /// Watch timeouts are drawn from `[minimumWatchTimeout, 2 × minimumWatchTimeout)`.
        public var minimumWatchTimeout: Duration = .seconds(300)
        public var backoff = Backoff()
        /// Wait before trying again a kind the upstream refused (403/404).
        public var uncachedRetry: Duration = .seconds(300)
        /// A watch that ends sooner than this without an event counts as a failure.
        public var minimumWatchDuration: Duration = .seconds(1)

        public init() {}
    }

    public let cache: ResourceCache
    let listerWatcher: any ListerWatcher
    let configuration: Configuration
    let logger: Logger
    let statistics = ReflectorStatistics()

    public init(cache: ResourceCache, listerWatcher: any ListerWatcher, configuration: Configuration = .init(), logger: Logger) {
        self.cache = cache
        self.listerWatcher = listerWatcher
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "resource"] = "\(cache.resource.groupVersionResource.groupResource)"
        self.logger = logger
    }

    /// What the reflector has done so far.
    public var counters: ReflectorStatistics.Counters { statistics.counters }

    /// Lists and watches until the calling task is cancelled.
    public func run() async {
        var needsList = !cache.hasData
        var backoff = configuration.backoff
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                if needsList {
                    try await listAndReplace()
                    needsList = false
                }
                switch try await watchOnce() {
                case .expired:
                    logger.info("upstream watch expired; relisting")
                    needsList = true
                case .ended(let hadEvents, let lasted):
                    if hadEvents || lasted >= configuration.minimumWatchDuration {
                        backoff.reset()
                    } else {
                        let wait = backoff.next(now: .now, using: &random)
                        logger.info("upstream watch ended at once; backing off", metadata: ["wait": "\(wait)"])
                        try await Task.sleep(for: wait)
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                let wait = handle(error, backoff: &backoff, random: &random, needsList: &needsList)
                do { try await Task.sleep(for: wait) } catch { return }
            }
        }
    }

    /// Sorts an error by what to do next and returns how long to wait.
    private func handle(
        _ error: any Error, backoff: inout Backoff, random: inout some RandomNumberGenerator, needsList: inout Bool
    ) -> Duration {
        statistics.record(\.errors)
        guard let error = error as? ListerWatcherError else {
            let wait = backoff.next(now: .now, using: &random)
            cache.setReadiness(.failing(reason: "\(error)", hasData: true))
            logger.warning("upstream list/watch failed; backing off", metadata: ["error": "\(error)", "wait": "\(wait)"])
            return wait
        }
        switch error {
        case .status(let status, _) where status.code == 410:
            logger.info("upstream resourceVersion expired; relisting")
            needsList = true
            return .zero
        case .status(let status, _) where status.code == 403 || status.code == 404:
            cache.setReadiness(.uncached(reason: "\(status.code) \(status.reason.rawValue): \(status.message)"))
            logger.warning("upstream refused the kind; serving it by passthrough",
                           metadata: ["code": "\(status.code)", "retry": "\(configuration.uncachedRetry)"])
            needsList = !cache.hasData
            return configuration.uncachedRetry
        case .status(let status, let retryAfter):
            let wait = max(retryAfter ?? .zero, backoff.next(now: .now, using: &random))
            cache.setReadiness(.failing(reason: "\(status.code) \(status.reason.rawValue)", hasData: true))
            logger.warning("upstream list/watch failed; backing off",
                           metadata: ["code": "\(status.code)", "reason": "\(status.message)", "wait": "\(wait)"])
            return wait
        case .transport(let message):
            let wait = backoff.next(now: .now, using: &random)
            cache.setReadiness(.failing(reason: message, hasData: true))
            logger.warning("upstream unreachable; backing off", metadata: ["error": "\(message)", "wait": "\(wait)"])
            return wait
        }
    }
}
