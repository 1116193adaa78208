import Metrics

/// The hook authorization reports to: `kcache_authorization_decisions_total{decision}`,
/// `kcache_authorization_cache_hits_total` and `kcache_authorization_cache_misses_total`
/// (hit rate = hits / (hits + misses)).
///
/// Every handle exists from the start, so the families are exported (at zero) before the
/// first decision. Safe to call from any thread; each call is one atomic increment.
public final class AuthorizationMetrics: Sendable {
    /// The outcome of authorizing one cached read.
    public enum Decision: String, Sendable, CaseIterable {
        case allowed
        case denied
        /// The token was not recognised (401).
        case unauthenticated
        /// The upstream could not be asked (TokenReview or SubjectAccessReview failed).
        case error
    }

    private let decisions: [Decision: Counter]
    private let cacheHits: Counter
    private let cacheMisses: Counter

    init(factory: any MetricsFactory) {
        decisions = Dictionary(uniqueKeysWithValues: Decision.allCases.map {
            ($0, Counter(label: MetricNames.authorizationDecisions, dimensions: [("decision", $0.rawValue)], factory: factory))
        })
        cacheHits = Counter(label: MetricNames.authorizationCacheHits, factory: factory)
        cacheMisses = Counter(label: MetricNames.authorizationCacheMisses, factory: factory)
    }

    /// Counts one decision, whether it came from the decision cache or the upstream.
    public func record(_ decision: Decision) {
        decisions[decision]?.increment()
    }

    /// Counts one lookup in the decision cache.
    public func recordCacheLookup(hit: Bool) {
        (hit ? cacheHits : cacheMisses).increment()
    }
}
