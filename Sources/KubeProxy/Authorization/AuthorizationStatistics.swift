import Synchronization

/// What the cached-read authorizer decided and what it asked the upstream, for tests and for
/// metrics.
///
/// Counted twice over: in `counters` (read by tests, no globals) and in `AuthorizationMetrics`,
/// the swift-metrics hook `/metrics` exports:
/// - `kcache_authorization_decisions_total{decision=allowed|denied|unauthenticated|error}`:
///   one per authorized read, whether the decision came from the cache or the upstream;
/// - `kcache_authorization_cache_hits_total`, `kcache_authorization_cache_misses_total`: one
///   per decision-cache lookup (hit rate = hits / (hits + misses)).
/// Thread-safe; each record is one short critical section and one counter increment.
public final class AuthorizationStatistics: Sendable {
    public typealias Decision = AuthorizationMetrics.Decision

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
    private let metrics: AuthorizationMetrics

    init(metrics: AuthorizationMetrics) {
        self.metrics = metrics
    }

    /// The counts at this moment.
    public var counters: Counters { state.withLock { $0 } }

    func record(_ decision: Decision) {
        state.withLock { $0.decisions[decision, default: 0] += 1 }
        metrics.record(decision)
    }

    func recordLookup(hit: Bool) {
        state.withLock { counters in
            if hit { counters.cacheHits += 1 } else { counters.cacheMisses += 1 }
        }
        metrics.recordCacheLookup(hit: hit)
    }

    func recordTokenReview() {
        state.withLock { $0.tokenReviews += 1 }
    }

    func recordAccessReview() {
        state.withLock { $0.accessReviews += 1 }
    }
}
