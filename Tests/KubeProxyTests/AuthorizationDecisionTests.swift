import Foundation
import KubeAPI
import KubeTestSupport
import Logging
import Synchronization
import Testing
@testable import KubeProxy

/// The decision cache and the authorizer's rules, with a fake reviewer and a hand-moved clock:
/// no network, no sleeps.
@Suite struct AuthorizationDecisionTests {
    /// Answers from tables and counts what it was asked; optionally holds every access review
    /// until released, to test concurrent misses.
    final class FakeReviewer: AccessReviewer {
        struct State {
            var users: [String: UserInfo] = [:]
            var allowed: Set<String> = []  // "user verb resource namespace"
            var failure: ReviewError?
            var tokenReviews = 0
            var accessReviews: [ResourceAttributes] = []
        }
        let state = Mutex(State())
        let gate = Gate()

        func reviewToken(_ token: String) async throws(ReviewError) -> TokenReviewResult {
            let (user, failure): (UserInfo?, ReviewError?) = state.withLock {
                $0.tokenReviews += 1
                return ($0.users[token], $0.failure)
            }
            if let failure { throw failure }
            return user.map { .authenticated($0) } ?? .unauthenticated
        }

        func reviewAccess(_ attributes: ResourceAttributes, for user: UserInfo) async throws(ReviewError) -> AccessReviewResult {
            await gate.pass()
            let (allowed, failure) = state.withLock {
                $0.accessReviews.append(attributes)
                return ($0.allowed.contains("\(user.username) \(attributes.verb) \(attributes.resource) \(attributes.namespace)"), $0.failure)
            }
            if let failure { throw failure }
            return allowed ? .allowed : .denied(reason: "")
        }
    }

    /// Lets callers through at once, or holds them until opened.
    final class Gate: Sendable {
        private let state = Mutex<(closed: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func close() { state.withLock { $0.closed = true } }

        func open() {
            let waiting = state.withLock { state in
                state.closed = false
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }

        var waiting: Int { state.withLock { $0.waiting.count } }

        func pass() async {
            await withCheckedContinuation { continuation in
                let wait = state.withLock { state in
                    if state.closed { state.waiting.append(continuation) }
                    return state.closed
                }
                if !wait { continuation.resume() }
            }
        }
    }

    struct Harness {
        let reviewer = FakeReviewer()
        let clock = TestClock()
        let authorizer: CachedReadAuthorizer

        init(maxEntries: Int = 100) {
            var configuration = CachedReadAuthorizer.Configuration()
            configuration.now = clock.function
            configuration.maxEntries = maxEntries
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            authorizer = CachedReadAuthorizer(configuration: configuration, reviewer: reviewer, logger: logger)
            reviewer.state.withLock {
                $0.users = ["alice-token": UserInfo(username: "alice", uid: "u1", groups: ["dev"])]
                $0.allowed = ["alice list configmaps ns-0"]
            }
        }

        func decide(_ token: String, _ attributes: ResourceAttributes) async -> (outcome: CachedReadAuthorizer.Outcome, hit: Bool) {
            switch authorizer.decide(token: token, attributes: attributes) {
            case .decided(let outcome): return (outcome, true)
            case .pending(let work): return (await work(), false)
            }
        }
    }

    static let listConfigMaps = ResourceAttributes(verb: "list", resource: "configmaps", namespace: "ns-0")

    @Test func allowIsCachedForTheTTL() async throws {
        let harness = Harness()
        let first = await harness.decide("alice-token", Self.listConfigMaps)
        #expect(!first.hit)
        guard case .allowed(let user) = first.outcome else { Issue.record("expected an allow"); return }
        #expect(user.username == "alice")
        harness.clock.advance(by: .milliseconds(9_999))
        #expect(await harness.decide("alice-token", Self.listConfigMaps).hit)
        harness.clock.advance(by: .milliseconds(1))
        #expect(await !harness.decide("alice-token", Self.listConfigMaps).hit)
        let reviewer = harness.reviewer.state.withLock { ($0.tokenReviews, $0.accessReviews.count) }
        #expect(reviewer == (2, 2))
        let counters = harness.authorizer.statistics.counters
        #expect(counters.cacheHits == 1)
        #expect(counters.cacheMisses == 2)
        #expect(counters.count(.allowed) == 3)
    }

    @Test func denialIsCachedForAQuarterOfTheTTL() async throws {
        let harness = Harness()
        let watch = ResourceAttributes(verb: "watch", resource: "secrets", namespace: "ns-0")
        let denied = await harness.decide("alice-token", watch)
        guard case .rejected(let status) = denied.outcome else { Issue.record("expected a denial"); return }
        #expect(status.code == 403)
        #expect(status.message == #"secrets is forbidden: User "alice" cannot watch resource "secrets" in API group "" in the namespace "ns-0""#)
        harness.clock.advance(by: .milliseconds(2_499))
        #expect(await harness.decide("alice-token", watch).hit)
        harness.clock.advance(by: .milliseconds(1))
        #expect(await !harness.decide("alice-token", watch).hit)
        #expect(harness.authorizer.statistics.counters.count(.denied) == 3)
    }

    @Test func unknownTokenIsUnauthorizedAndNotAccessReviewed() async throws {
        let harness = Harness()
        let outcome = await harness.decide("who-knows", Self.listConfigMaps).outcome
        guard case .rejected(let status) = outcome else { Issue.record("expected a rejection"); return }
        #expect(status.code == 401)
        #expect(status.reason == .unauthorized)
        #expect(status.message == "Unauthorized")
        // Another request with the same token: who it is, is known (for the denial TTL).
        _ = await harness.decide("who-knows", ResourceAttributes(verb: "get", resource: "pods", namespace: "ns-0", name: "p"))
        let reviews = harness.reviewer.state.withLock { ($0.tokenReviews, $0.accessReviews.count) }
        #expect(reviews == (1, 0))
        #expect(harness.authorizer.statistics.counters.count(.unauthenticated) == 2)
    }

    @Test(arguments: [
        (ReviewError.unavailable("connection refused"), 503, StatusReason.serviceUnavailable),
        (ReviewError.failed("refused with 403"), 500, StatusReason.internalError),
    ])
    func reviewFailuresAreErrorsAndNotCached(error: ReviewError, code: Int, reason: StatusReason) async throws {
        let harness = Harness()
        harness.reviewer.state.withLock { $0.failure = error }
        for _ in 0..<2 {
            let result = await harness.decide("alice-token", Self.listConfigMaps)
            #expect(!result.hit)
            guard case .rejected(let status) = result.outcome else { Issue.record("an error must never allow"); return }
            #expect(status.code == code)
            #expect(status.reason == reason)
            #expect(status.message.contains(error.description))
        }
        harness.reviewer.state.withLock { $0.failure = nil }
        guard case .allowed = await harness.decide("alice-token", Self.listConfigMaps).outcome else {
            Issue.record("expected an allow once the upstream answers")
            return
        }
        #expect(harness.authorizer.statistics.counters.count(.error) == 2)
    }

    @Test func concurrentMissesShareOneReview() async throws {
        let harness = Harness()
        harness.reviewer.gate.close()
        let decisions = (0..<10).map { _ in harness.authorizer.decide(token: "alice-token", attributes: Self.listConfigMaps) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for decision in decisions {
                guard case .pending(let work) = decision else { Issue.record("a first decision cannot be a hit"); return }
                group.addTask {
                    if case .allowed = await work() { return true }
                    return false
                }
            }
            try await waitUntil(timeout: .seconds(10), "the review to reach the gate") { harness.reviewer.gate.waiting == 1 }
            harness.reviewer.gate.open()
            for try await allowed in group { #expect(allowed) }
        }
        #expect(harness.reviewer.state.withLock { $0.accessReviews.count } == 1)
        #expect(harness.authorizer.statistics.counters.cacheMisses == 10)
    }

    @Test func tokensAndAttributesKeyTheCacheSeparately() async throws {
        let harness = Harness()
        harness.reviewer.state.withLock { $0.users["bob-token"] = UserInfo(username: "bob") }
        _ = await harness.decide("alice-token", Self.listConfigMaps)
        // Bob's token is another key: reviewed, and denied.
        guard case .rejected(let status) = await harness.decide("bob-token", Self.listConfigMaps).outcome else {
            Issue.record("bob must not inherit alice's decision")
            return
        }
        #expect(status.code == 403)
        // Alice with other selectors is another key too.
        var selected = Self.listConfigMaps
        selected.labelRequirements = [.init(key: "app", op: .in, values: ["web"])]
        #expect(await !harness.decide("alice-token", selected).hit)
        #expect(harness.reviewer.state.withLock { $0.accessReviews.last } == selected)
    }

    @Test func oversizedAttributesAreNotCached() async throws {
        let harness = Harness()
        _ = harness.reviewer.state.withLock { $0.allowed.insert("alice get configmaps ns-0") }
        let huge = ResourceAttributes(verb: "get", resource: "configmaps", namespace: "ns-0", name: String(repeating: "x", count: 10_000))
        #expect(await !harness.decide("alice-token", huge).hit)
        #expect(await !harness.decide("alice-token", huge).hit)
    }

    @Test func expiringCacheEvictsOldestWhenFull() {
        var cache = ExpiringCache<Int, String>(capacity: 3)
        let now = ContinuousClock.now
        for key in 0..<3 { cache.insert("v\(key)", for: key, until: now + .seconds(10)) }
        cache.insert("v0'", for: 0, until: now + .seconds(10))  // re-inserted: now the newest
        cache.insert("v3", for: 3, until: now + .seconds(10))
        #expect(cache.count == 3)
        #expect(cache.value(for: 1, now: now) == nil, "the oldest insertion goes first")
        #expect(cache.value(for: 0, now: now) == "v0'")
        #expect(cache.value(for: 2, now: now) == "v2")
        #expect(cache.value(for: 3, now: now) == "v3")
        #expect(cache.value(for: 3, now: now + .seconds(10)) == nil, "expired at its expiry")
        #expect(cache.count == 2)
        // Many re-insertions of a few keys stay bounded and correct.
        for round in 0..<1_000 { cache.insert("r\(round)", for: round % 4, until: now + .seconds(10)) }
        #expect(cache.count == 3)
        #expect(cache.value(for: 3, now: now) == "r999")
        #expect(cache.value(for: 0, now: now) == nil)
    }

    // MARK: Attributes and messages

    @Test func attributesCarryTheRequestsSelectors() throws {
        let info = try RequestInfo(
            method: "GET",
            uri: "/apis/apps/v1/namespaces/ns-0/deployments?watch=1&labelSelector=\(percent("app in (a,b),tier!=db,canary,!legacy,rank>3"))&fieldSelector=\(percent("metadata.name=web,status.phase!=x"))")
        let attributes = ResourceAttributes(info: info, verb: try #require(info.verb))
        #expect(attributes.verb == "watch")
        #expect(attributes.group == "apps")
        #expect(attributes.version == "v1")
        #expect(attributes.resource == "deployments")
        #expect(attributes.namespace == "ns-0")
        #expect(attributes.labelRequirements == [
            .init(key: "app", op: .in, values: ["a", "b"]),
            .init(key: "canary", op: .exists, values: []),
            .init(key: "legacy", op: .doesNotExist, values: []),
            .init(key: "tier", op: .notIn, values: ["db"]),
        ], "rank>3 cannot be expressed and is left out")
        #expect(attributes.fieldRequirements == [
            .init(key: "metadata.name", op: .in, values: ["web"]),
            .init(key: "status.phase", op: .notIn, values: ["x"]),
        ])

        let review = ReviewBodies.SubjectAccessReview(attributes, user: UserInfo(username: "alice", uid: "u1", groups: ["dev"], extra: ["scopes": ["a"]]))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(review)) as? [String: Any] ?? [:]
        #expect(json["kind"] as? String == "SubjectAccessReview")
        #expect(json["apiVersion"] as? String == "authorization.k8s.io/v1")
        let spec = json["spec"] as? [String: Any] ?? [:]
        #expect(spec["user"] as? String == "alice")
        #expect(spec["uid"] as? String == "u1")
        #expect(spec["groups"] as? [String] == ["dev"])
        #expect((spec["extra"] as? [String: [String]])?["scopes"] == ["a"])
        let resource = spec["resourceAttributes"] as? [String: Any] ?? [:]
        #expect(resource["verb"] as? String == "watch")
        #expect(resource["group"] as? String == "apps")
        #expect(resource["name"] == nil, "empty fields are left out")
        let field = resource["fieldSelector"] as? [String: Any] ?? [:]
        #expect(field["rawSelector"] == nil, "requirements only: both at once is invalid")
        let requirements = field["requirements"] as? [[String: Any]] ?? []
        #expect(requirements.first?["key"] as? String == "metadata.name")
        #expect(requirements.first?["operator"] as? String == "In")
        #expect(requirements.first?["values"] as? [String] == ["web"])
        let labels = (resource["labelSelector"] as? [String: Any])?["requirements"] as? [[String: Any]] ?? []
        #expect(labels.map { $0["operator"] as? String } == ["In", "Exists", "DoesNotExist", "NotIn"])
        #expect(labels[1]["values"] == nil)
    }

    @Test(arguments: [
        (ResourceAttributes(verb: "list", resource: "secrets", namespace: "team-a"), "",
         #"secrets is forbidden: User "u" cannot list resource "secrets" in API group "" in the namespace "team-a""#),
        (ResourceAttributes(verb: "get", resource: "pods", namespace: "ns", name: "web-0"), "",
         #"pods "web-0" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns""#),
        (ResourceAttributes(verb: "list", resource: "nodes"), "",
         #"nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope"#),
        (ResourceAttributes(verb: "watch", group: "apps", resource: "deployments"), "",
         #"deployments.apps is forbidden: User "u" cannot watch resource "deployments" in API group "apps" at the cluster scope"#),
        (ResourceAttributes(verb: "get", group: "apps", resource: "deployments", subresource: "scale", namespace: "ns", name: "d"), "no RBAC policy matched",
         #"deployments.apps "d" is forbidden: User "u" cannot get resource "deployments/scale" in API group "apps" in the namespace "ns": no RBAC policy matched"#),
    ])
    func forbiddenMessages(attributes: ResourceAttributes, reason: String, message: String) {
        let status = Status.forbidden(user: "u", attributes: attributes, reason: reason)
        #expect(status.code == 403)
        #expect(status.reason == .forbidden)
        #expect(status.message == message)
        #expect(status.details?.kind == attributes.resource)
        #expect(status.details?.group == (attributes.group.isEmpty ? nil : attributes.group))
        #expect(status.details?.name == (attributes.name.isEmpty ? nil : attributes.name))
    }

    private func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
