import Metrics
import Synchronization

/// What the cached-read authorizer decided and what it asked the upstream, for tests and for
/// metrics.
///
/// Counted twice over: in `counters` (read by tests, no globals) and through swift-metrics with
/// an injected factory, as
/// - `kcache_authorization_decisions_total{decision=allowed|denied|unauthenticated|error}`:
///   one per authorized read, whether the decision came from the cache or the upstream;
/// - `kcache_authorization_cache_hits_total`, `kcache_authorization_cache_misses_total`: one
///   per decision-cache lookup (hit rate = hits / (hits + misses)).
/// Thread-safe; each record is one short critical section and one counter increment.
public final class AuthorizationStatistics: Sendable {
    public enum Decision: String, Sendable, CaseIterable {
        case allowed
        case denied
        /// The token was not recognised (401).
        case unauthenticated
        /// The upstream could not be asked, or refused to answer (503/500; never an allow).
        case error
    }

    public struct Counters: Sendable, Hashable {
        public var decisions: [Decision: Int] = [:]
        public var cacheHits = 0
        public var cacheMisses = 0
        /// TokenReviews and SubjectAccessReviews sent upstream.
        public var tokenReviews = 0
        public var accessReviews = 0

        public func count(_ decision: Decision) -> Int { decisions[decision] ?? 0 }
    }

    /// Guarded by the mutex.
    private let state = Mutex(Counters())
    private let decisionCounters: [Decision: Counter]
    private let cacheHitCounter: Counter
    private let cacheMissCounter: Counter

    init(factory: any MetricsFactory) {
        decisionCounters = Dictionary(uniqueKeysWithValues: Decision.allCases.map {
            ($0, Counter(label: "kcache_authorization_decisions_total", dimensions: [("decision", $0.rawValue)], factory: factory))
        })
        cacheHitCounter = Counter(label: "kcache_authorization_cache_hits_total", factory: factory)
        cacheMissCounter = Counter(label: "kcache_authorization_cache_misses_total", factory: factory)
    }

    /// The counts at this moment.
    public var counters: Counters { state.withLock { $0 } }

    func record(_ decision: Decision) {
        state.withLock { $0.decisions[decision, default: 0] += 1 }
        decisionCounters[decision]?.increment()
    }

    func recordLookup(hit: Bool) {
        state.withLock { counters in
            if hit { counters.cacheHits += 1 } else { counters.cacheMisses += 1 }
        }
        (hit ? cacheHitCounter : cacheMissCounter).increment()
    }

    func recordTokenReview() {
        state.withLock { $0.tokenReviews += 1 }
    }

    func recordAccessReview() {
        state.withLock { $0.accessReviews += 1 }
    }
}
