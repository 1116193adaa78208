import KubeAPI
import Synchronization

/// KubeSim's authentication and authorization step (SimRouter's step 3): serves the
/// TokenReview and SubjectAccessReview endpoints, and, while the policy enforces, turns away
/// resource requests whose token is unknown (401) or whose user may not perform them (403).
///
/// Thread-safe: the policy is swapped whole under a short lock and read once per request, so a
/// request is decided by one policy.
final class SimAuth: Sendable {
    /// The policy in force; guarded by the mutex.
    private let current: Mutex<KubeSim.AuthPolicy?>
    /// Requests served per authenticated user, while a policy enforces.
    let ledger = UserLedger()

    init(policy: KubeSim.AuthPolicy?) {
        current = Mutex(policy)
    }

    var policy: KubeSim.AuthPolicy? { current.withLock { $0 } }

    func setPolicy(_ policy: KubeSim.AuthPolicy?) {
        current.withLock { $0 = policy }
    }

    /// The answer to `request` when authentication or authorization decides it (a review, a
    /// 401, a 403); nil when the request may go on to the handlers. `info` is the request's
    /// path as `RequestInfo` resolves it, nil when it has none.
    func gate(_ request: SimRequest, info: RequestInfo?, counters: RequestCounters) -> SimResponse? {
        let policy = self.policy
        if let review = ReviewEndpoint(path: request.path) {
            counters.increment(verb: request.method == "POST" ? "create" : request.method.lowercased(), resource: review.groupResource)
            if let policy, policy.enforce {
                switch authenticate(request, policy: policy) {
                case .failure(let status): return .status(status)
                case .success(let user):
                    var attributes = AccessAttributes(verb: "create")
                    attributes.group = review.group
                    attributes.version = "v1"
                    attributes.resource = review.resource
                    if let denial = authorize(user, attributes, policy: policy) { return .status(denial) }
                }
            }
            guard request.method == "POST" else {
                return .status(Status.methodNotAllowed("the server does not allow this method on the requested resource"))
            }
            let reviews = Reviews(policy: policy ?? KubeSim.AuthPolicy(enforce: false))
            switch review {
            case .tokenReview: return reviews.tokenReview(request.body)
            case .subjectAccessReview: return reviews.subjectAccessReview(request.body)
            }
        }
        guard let policy, policy.enforce, let info, info.isResourceRequest else { return nil }
        switch authenticate(request, policy: policy) {
        case .failure(let status):
            return .status(status)
        case .success(let user):
            let attributes = AccessAttributes(info: info)
            if let denial = authorize(user, attributes, policy: policy) { return .status(denial) }
            ledger.record(user: user.name, verb: attributes.verb, resource: info.groupVersionResource.groupResource)
            return nil
        }
    }

    /// The requester: the bearer token's user, or `system:anonymous` without credentials.
    /// An unknown token, or credentials other than a bearer token, is 401 `Unauthorized`.
    private func authenticate(_ request: SimRequest, policy: KubeSim.AuthPolicy) -> Result<KubeSim.User, Status> {
        guard let header = request.header("authorization") else { return .success(.anonymous) }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer ",
              let user = policy.user(forToken: String(header.dropFirst(7)).trimmingSpaces)
        else { return .failure(Status.unauthorized()) }
        return .success(user)
    }

    /// nil when allowed; the API server's 403 otherwise.
    private func authorize(_ user: KubeSim.User, _ attributes: AccessAttributes, policy: KubeSim.AuthPolicy) -> Status? {
        let decision = policy.decide(user: user.name, groups: user.groups, attributes: attributes)
        return decision.allowed ? nil : Status.forbidden(user: user.name, attributes: attributes, reason: decision.reason)
    }
}
