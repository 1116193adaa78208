import KubeAPI
import Logging
import Metrics
import Synchronization

/// Decides, under `--auth passthrough`, whether the holder of a bearer token may have a read
/// answered from the cache: TokenReview (who is it?) then SubjectAccessReview (may they?)
/// against the upstream, with kcache's credentials; decisions reused for a short TTL.
///
/// Contract:
/// - Never an allow without both reviews having said so within the TTL. An upstream failure
///   is a 503 (or 500) `Status`, not cached; an unknown token is 401; a denial is the API
///   server's 403.
/// - Decisions are cached by (keyed token hash, attributes): allows for `allowedTTL`
///   (`--authz-cache-ttl`, 10 s), denials and unknown tokens for `deniedTTL` (a quarter of
///   it), so a newly granted permission shows soon and a revoked one lasts at most the TTL.
///   Who a token is is cached alike, so a known token costs one SubjectAccessReview per new
///   kind of request. Requests whose attributes exceed 10,000 bytes are reviewed every time.
///   At most `maxEntries` decisions and as many identities are kept.
/// - Concurrent misses for the same key share one review (no thundering herd on expiry).
/// - Tokens are never stored or logged: keys hold an HMAC-SHA256 under a per-process random
///   key (`TokenHasher`).
/// - `decide` does not block: a hit is answered at once (on the event loop); a miss returns
///   work to await. Thread-safe.
public final class CachedReadAuthorizer: Sendable {
    public struct Configuration: Sendable {
        /// How long an allow is reused (`--authz-cache-ttl`).
        public var allowedTTL: Duration = .seconds(10)
        /// How long a denial or an unknown token is reused; nil for a quarter of `allowedTTL`.
        public var deniedTTL: Duration?
        /// Most decisions kept (and as many token identities).
        public var maxEntries = 10_000
        /// Bound on each review request.
        public var reviewTimeout: Duration = .seconds(10)
        /// Where the decision and cache counters go when no `AuthorizationMetrics` is given;
        /// nil for `MetricsSystem.factory`.
        public var metricsFactory: (any MetricsFactory)?
        /// The clock the TTLs are measured on (tests move it by hand).
        public var now: @Sendable () -> ContinuousClock.Instant = { .now }

        public init() {}

        var effectiveDeniedTTL: Duration { deniedTTL ?? allowedTTL / 4 }
    }

    /// What the read gets.
    public enum Outcome: Sendable {
        case allowed(UserInfo)
        /// 401, 403, 503 or 500, as a `Status` to answer with.
        case rejected(Status)
    }

    /// An outcome now (a cache hit), or work that produces it.
    enum Decision: Sendable {
        case decided(Outcome)
        case pending(@Sendable () async -> Outcome)
    }

    /// A decision as cached.
    enum Verdict: Sendable, Hashable {
        case allowed(UserInfo)
        case denied(UserInfo, reason: String)
        case unauthenticated

        var isAllowed: Bool {
            if case .allowed = self { return true }
            return false
        }
    }

    struct DecisionKey: Hashable, Sendable {
        var token: TokenHash
        var attributes: ResourceAttributes
    }

    /// The cache and the reviews in flight; guarded by `state`'s mutex, held only to look up
    /// or store (never across a review).
    private struct State {
        var decisions: ExpiringCache<DecisionKey, Verdict>
        var identities: ExpiringCache<TokenHash, TokenReviewResult>
        var inflight: [DecisionKey: Task<Result<Verdict, ReviewError>, Never>] = [:]
    }

    /// The API server's webhook authorizer's bound on cacheable attributes.
    static let maxCacheableAttributeBytes = 10_000

    public let configuration: Configuration
    public let statistics: AuthorizationStatistics
    private let reviewer: any AccessReviewer
    private let hasher: TokenHasher
    private let state: Mutex<State>
    private let logger: Logger

    /// - Parameter metrics: the proxy's hook for the authorization families; by default one
    ///   made with `configuration.metricsFactory`.
    init(
        configuration: Configuration, reviewer: any AccessReviewer, hasher: TokenHasher = TokenHasher(),
        metrics: AuthorizationMetrics? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.reviewer = reviewer
        self.hasher = hasher
        self.logger = logger
        statistics = AuthorizationStatistics(
            metrics: metrics ?? AuthorizationMetrics(factory: configuration.metricsFactory ?? MetricsSystem.factory))
        state = Mutex(State(
            decisions: ExpiringCache(capacity: configuration.maxEntries),
            identities: ExpiringCache(capacity: configuration.maxEntries)))
    }

    /// Whether `token` may perform `attributes`: at once from the cache, or after reviews.
    func decide(token: String, attributes: ResourceAttributes) -> Decision {
        let key = DecisionKey(token: hasher.hash(token), attributes: attributes)
        let cacheable = attributes.clientControlledBytes < Self.maxCacheableAttributeBytes
        let now = configuration.now()
        enum Lookup: Sendable {
            case hit(Verdict)
            case wait(Task<Result<Verdict, ReviewError>, Never>)
        }
        let lookup: Lookup = state.withLock { state in
            if cacheable {
                if let verdict = state.decisions.value(for: key, now: now) { return .hit(verdict) }
                if let running = state.inflight[key] { return .wait(running) }
            }
            let task = Task { await self.review(token: token, key: key, cacheable: cacheable) }
            if cacheable { state.inflight[key] = task }
            return .wait(task)
        }
        switch lookup {
        case .hit(let verdict):
            statistics.recordLookup(hit: true)
            return .decided(outcome(verdict, attributes: attributes))
        case .wait(let task):
            statistics.recordLookup(hit: false)
            return .pending { [self] in
                switch await task.value {
                case .success(let verdict): return outcome(verdict, attributes: attributes)
                case .failure(let error):
                    statistics.record(.error)
                    return .rejected(.reviewFailed(error))
                }
            }
        }
    }

    /// Reviews the token (unless its identity is cached) and then the access; caches what it
    /// learns. Runs once per key at a time.
    private func review(token: String, key: DecisionKey, cacheable: Bool) async -> Result<Verdict, ReviewError> {
        let result: Result<Verdict, ReviewError>
        do throws(ReviewError) {
            result = .success(try await verdict(token: token, key: key))
        } catch {
            logger.warning("authorization review failed; answering an error", metadata: [
                "verb": "\(key.attributes.verb)", "resource": "\(key.attributes.resource)", "error": "\(error)",
            ])
            result = .failure(error)
        }
        let now = configuration.now()
        state.withLock { state in
            if cacheable { state.inflight[key] = nil }
            if case .success(let verdict) = result, cacheable {
                let ttl = verdict.isAllowed ? configuration.allowedTTL : configuration.effectiveDeniedTTL
                state.decisions.insert(verdict, for: key, until: now + ttl)
            }
        }
        return result
    }

    private func verdict(token: String, key: DecisionKey) async throws(ReviewError) -> Verdict {
        let cachedIdentity = state.withLock { $0.identities.value(for: key.token, now: configuration.now()) }
        let identity: TokenReviewResult
        if let cachedIdentity {
            identity = cachedIdentity
        } else {
            statistics.recordTokenReview()
            identity = try await reviewer.reviewToken(token)
            let ttl = identity == .unauthenticated ? configuration.effectiveDeniedTTL : configuration.allowedTTL
            let expiry = configuration.now() + ttl
            state.withLock { $0.identities.insert(identity, for: key.token, until: expiry) }
        }
        guard case .authenticated(let user) = identity else { return .unauthenticated }
        statistics.recordAccessReview()
        switch try await reviewer.reviewAccess(key.attributes, for: user) {
        case .allowed:
            return .allowed(user)
        case .denied(let reason):
            logger.debug("cached read denied", metadata: [
                "user": "\(user.username)", "verb": "\(key.attributes.verb)", "resource": "\(key.attributes.resource)",
                "namespace": "\(key.attributes.namespace)",
            ])
            return .denied(user, reason: reason)
        }
    }

    private func outcome(_ verdict: Verdict, attributes: ResourceAttributes) -> Outcome {
        switch verdict {
        case .allowed(let user):
            statistics.record(.allowed)
            return .allowed(user)
        case .denied(let user, let reason):
            statistics.record(.denied)
            return .rejected(.forbidden(user: user.username, attributes: attributes, reason: reason))
        case .unauthenticated:
            statistics.record(.unauthenticated)
            return .rejected(.unauthorized())
        }
    }
}
