import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// `--auth passthrough` against KubeSim's policy (`AuthorizationFixture.policy`): cached reads
/// are authorized with TokenReview + SubjectAccessReview, everything else carries the client's
/// token upstream.
@Suite struct AuthorizationTests {
    typealias Fixture = AuthorizationFixture

    @Test func allowedUserReadsFromTheCache() async throws {
        try await Fixture.with { fixture in
            let list = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken)
            #expect(list.status == 200, "\(list.text)")
            #expect(list.header("X-Kcache-Source") == "cache")
            #expect(list.itemNames == ["cm-0", "cm-1", "cm-2"])

            let get = try await fixture.request("/api/v1/namespaces/ns-0/secrets/db-password", token: Fixture.aliceToken)
            #expect(get.status == 200, "\(get.text)")
            #expect(get.header("X-Kcache-Source") == "cache")
            #expect((get.object["data"] as? [String: String])?["password"] == "aHVudGVyMg==")

            let watch = try await fixture.client.watch(
                fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps?watch=true",
                headers: [("Authorization", "Bearer \(Fixture.aliceToken)")])
            defer { watch.close() }
            #expect(watch.status == 200)
            #expect(watch.header("X-Kcache-Source") == "cache")
            let events = try await watch.next(3)
            #expect(events.map(\.type) == ["ADDED", "ADDED", "ADDED"])
            #expect(Set(events.compactMap(\.name)) == ["cm-0", "cm-1", "cm-2"])

            // The reviews carried alice's identity and the request's attributes: a read she
            // may not do is refused even with the same token.
            let elsewhere = try await fixture.request("/api/v1/namespaces/ns-1/configmaps", token: Fixture.aliceToken)
            #expect(elsewhere.status == 403)
            let counters = fixture.proxy.authorizer?.statistics.counters
            #expect(counters?.count(.allowed) == 3)
            #expect(counters?.count(.denied) == 1)
        }
    }

    /// GET, LIST, WATCH and an on-demand kind: each refused with the API server's 403 `Status`,
    /// word for word what KubeSim (the "API server") answers the same request directly.
    @Test(arguments: [
        ("/api/v1/namespaces/ns-0/configmaps/cm-0",
         #"configmaps "cm-0" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "ns-0""#),
        ("/api/v1/namespaces/ns-0/secrets",
         #"secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "ns-0""#),
        ("/api/v1/namespaces/ns-0/configmaps?watch=true&resourceVersion=0",
         #"configmaps is forbidden: User "bob" cannot watch resource "configmaps" in API group "" in the namespace "ns-0""#),
        ("/api/v1/secrets",
         #"secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" at the cluster scope"#),
        ("/apis/example.com/v1/namespaces/ns-0/widgets",
         #"widgets.example.com is forbidden: User "bob" cannot list resource "widgets" in API group "example.com" in the namespace "ns-0""#),
        ("/api/v1/watch/namespaces/ns-0/secrets/db-password",
         #"secrets "db-password" is forbidden: User "bob" cannot watch resource "secrets" in API group "" in the namespace "ns-0""#),
    ])
    func deniedUserGetsForbidden(path: String, message: String) async throws {
        try await Fixture.with { fixture in
            let response = try await fixture.request(path, token: Fixture.bobToken)
            #expect(response.status == 403, "\(response.text)")
            #expect(response.kind == "Status")
            #expect(response.statusReason == "Forbidden")
            #expect(response.statusMessage == message)
            #expect(response.object["code"] as? Int == 403)
            #expect(response.header("X-Kcache-Source") == "cache")

            let upstream = try await fixture.requestUpstream(path, token: Fixture.bobToken)
            #expect(upstream.status == 403)
            #expect(upstream.statusMessage == response.statusMessage)
            #expect(upstream.statusDetails == response.statusDetails)
            #expect(response.statusDetails["kind"] != nil)
        }
    }

    /// A denied read of a kind not cached yet neither reaches the cache nor starts caching the
    /// kind; an allowed one does.
    @Test func onDemandKindIsAuthorizedBeforeItIsCached() async throws {
        try await Fixture.with { fixture in
            let widgets = GroupVersionResource(group: "example.com", version: "v1", resource: "widgets")
            let denied = try await fixture.request("/apis/example.com/v1/namespaces/ns-0/widgets", token: Fixture.bobToken)
            #expect(denied.status == 403)
            #expect(fixture.proxy.registry.cache(for: widgets) == nil)

            // Alice's first LIST starts the cache (and is answered upstream while it syncs).
            let first = try await fixture.request("/apis/example.com/v1/namespaces/ns-0/widgets", token: Fixture.aliceToken)
            #expect(first.status == 200, "\(first.text)")
            #expect(fixture.proxy.registry.cache(for: widgets) != nil)
            let cached = try await eventually(timeout: .seconds(30), "widgets answered from the cache") {
                let response = try await fixture.request("/apis/example.com/v1/namespaces/ns-0/widgets", token: Fixture.aliceToken)
                return response.header("X-Kcache-Source") == "cache" ? response : nil
            }
            #expect(cached.status == 200)
            #expect(cached.itemNames.count == 2)

            // Cached now, and still refused to bob: also for a WATCH.
            let watch = try await fixture.request("/apis/example.com/v1/namespaces/ns-0/widgets?watch=1", token: Fixture.bobToken)
            #expect(watch.status == 403)
            #expect(watch.statusMessage == #"widgets.example.com is forbidden: User "bob" cannot watch resource "widgets" in API group "example.com" in the namespace "ns-0""#)
        }
    }

    @Test func unknownTokenGetsUnauthorized() async throws {
        try await Fixture.with { fixture in
            for path in ["/api/v1/namespaces/ns-0/configmaps", "/api/v1/namespaces/ns-0/configmaps/cm-1", "/api/v1/pods?watch=true"] {
                let response = try await fixture.request(path, token: "forged-token")
                #expect(response.status == 401, "\(path): \(response.text)")
                #expect(response.kind == "Status")
                #expect(response.statusReason == "Unauthorized")
                #expect(response.statusMessage == "Unauthorized")
            }
            // The same answer as the API server's.
            let upstream = try await fixture.requestUpstream("/api/v1/namespaces/ns-0/configmaps", token: "forged-token")
            #expect(upstream.status == 401)
            #expect(upstream.statusMessage == "Unauthorized")
            #expect(fixture.proxy.authorizer?.statistics.counters.count(.unauthenticated) == 3)
            // Who the token is was asked once; no access review for a token that is no one.
            #expect(fixture.tokenReviews == 1)
            #expect(fixture.accessReviews == 0)
        }
    }

    @Test func requestWithoutBearerTokenGetsUnauthorized() async throws {
        try await Fixture.with { fixture in
            let read = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: nil)
            #expect(read.status == 401)
            #expect(read.statusReason == "Unauthorized")
            #expect(read.statusMessage?.contains("client certificates and other credentials cannot be forwarded") == true)
            let basic = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: nil, method: "POST", headers: [("Authorization", "Basic YWxpY2U6cHc=")],
                body: #"{"metadata":{"name":"x"}}"#)
            #expect(basic.status == 401)
            #expect(basic.statusMessage?.contains("kcache forwards only bearer tokens") == true)
            // kcache's own refusals, never the upstream's.
            #expect(read.header("X-Kcache-Source") == "cache")
            #expect(basic.header("X-Kcache-Source") == "cache")
        }
    }

    /// Everything not answered from the cache goes upstream as the client: KubeSim sees the
    /// client's user, and its own authorization decides.
    @Test func passthroughRequestsCarryTheClientsToken() async throws {
        try await Fixture.with { fixture in
            let created = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken, method: "POST", body: #"{"metadata":{"name":"from-alice"}}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.header("X-Kcache-Source") == "upstream")
            #expect(fixture.sim.requestCount(user: "alice", verb: "create", resource: "configmaps") == 1)

            let refused = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.bobToken, method: "POST", body: #"{"metadata":{"name":"from-bob"}}"#)
            #expect(refused.status == 403)
            #expect(refused.header("X-Kcache-Source") == "upstream")
            #expect(refused.statusMessage == #"configmaps is forbidden: User "bob" cannot create resource "configmaps" in API group "" in the namespace "ns-0""#)

            // A read the cache does not answer (a subresource) goes upstream as alice.
            let status = try await fixture.request("/api/v1/namespaces/ns-0/pods/pod-0/status", token: Fixture.aliceToken)
            #expect(status.header("X-Kcache-Source") == "upstream")
            #expect(fixture.sim.requestCount(user: "alice", verb: "get", resource: "pods") == 1)
            // A read that impersonates someone is the upstream's to judge, not the cache's.
            let impersonating = try await fixture.request(
                "/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken, headers: [("Impersonate-User", "bob")])
            #expect(impersonating.header("X-Kcache-Source") == "upstream")
            #expect(fixture.sim.requestCount(user: "alice", verb: "list", resource: "configmaps") == 1)
            // kcache's own reads (its reflectors) are its service account's, never alice's.
            #expect(fixture.sim.requestCount(user: "system:serviceaccount:kcache:kcache", verb: "list", resource: "configmaps") >= 1)
        }
    }

    /// The reviews carry the request's selectors: a node may list the pods bound to it from
    /// the cache, and nothing more.
    @Test func selectorsAreAuthorized() async throws {
        try await Fixture.with { fixture in
            let all = try await fixture.request("/api/v1/pods", token: Fixture.nodeToken)
            #expect(all.status == 403)
            #expect(all.statusMessage == #"pods is forbidden: User "system:node:node-0" cannot list resource "pods" in API group "" at the cluster scope"#)

            let mine = try await fixture.request(
                "/api/v1/pods?fieldSelector=\(TestHTTPClient.encode("spec.nodeName=node-0"))", token: Fixture.nodeToken)
            #expect(mine.status == 200, "\(mine.text)")
            #expect(mine.header("X-Kcache-Source") == "cache")
            #expect(!mine.itemNames.isEmpty)
            let nodes = (mine.object["items"] as? [[String: Any]] ?? []).compactMap { ($0["spec"] as? [String: Any])?["nodeName"] as? String }
            #expect(Set(nodes) == ["node-0"])

            let other = try await fixture.request(
                "/api/v1/pods?fieldSelector=\(TestHTTPClient.encode("spec.nodeName=node-1"))", token: Fixture.nodeToken)
            #expect(other.status == 403)
        }
    }

    /// 100 identical LISTs cost one TokenReview and one SubjectAccessReview; a new kind of
    /// request with the same token costs one more SubjectAccessReview only.
    @Test func decisionCacheHitRate() async throws {
        try await Fixture.with { fixture in
            for _ in 0..<100 {
                let response = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken)
                #expect(response.status == 200)
                #expect(response.header("X-Kcache-Source") == "cache")
            }
            #expect(fixture.tokenReviews == 1)
            #expect(fixture.accessReviews == 1)
            let counters = try #require(fixture.proxy.authorizer?.statistics.counters)
            #expect(counters.cacheHits == 99)
            #expect(counters.cacheMisses == 1)
            #expect(counters.count(.allowed) == 100)
            print("authorization decision cache: 100 identical LISTs -> \(fixture.tokenReviews) TokenReview, \(fixture.accessReviews) SubjectAccessReview upstream; hits \(counters.cacheHits), misses \(counters.cacheMisses) (hit rate \(Double(counters.cacheHits) / Double(counters.cacheHits + counters.cacheMisses)))")

            // The same figures on /metrics.
            let scrape = try await fixture.request("/metrics", token: nil).text.split(separator: "\n")
            #expect(scrape.contains("kcache_authorization_cache_hits_total 99"))
            #expect(scrape.contains("kcache_authorization_cache_misses_total 1"))
            #expect(scrape.contains(#"kcache_authorization_decisions_total{decision="allowed"} 100"#))
            #expect(scrape.contains(#"kcache_authorization_decisions_total{decision="denied"} 0"#))

            _ = try await fixture.request("/api/v1/namespaces/ns-0/secrets", token: Fixture.aliceToken)
            #expect(fixture.tokenReviews == 1)
            #expect(fixture.accessReviews == 2)

            // Concurrent misses for one new key share one review.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await fixture.request("/api/v1/namespaces/ns-0/pods", token: Fixture.aliceToken).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(fixture.accessReviews == 3)
        }
    }

    /// Allows are reused for the TTL (10 s by default), denials for a quarter of it; a
    /// revoked permission lasts at most the TTL.
    @Test func decisionsExpire() async throws {
        try await Fixture.with { (fixture: Fixture) async throws in
            let path = "/api/v1/namespaces/ns-0/configmaps"
            #expect(try await fixture.request(path, token: Fixture.aliceToken).status == 200)
            #expect(fixture.accessReviews == 1)

            // Revoke alice's access upstream: the cached allow still holds within the TTL...
            var policy = Fixture.policy
            policy.rules.removeAll { $0.subjects == [.group("team-a")] }
            fixture.sim.setAuthPolicy(policy)
            fixture.clock.advance(by: .seconds(9))
            #expect(try await fixture.request(path, token: Fixture.aliceToken).status == 200)
            #expect(fixture.accessReviews == 1)
            // ...and no longer after it.
            fixture.clock.advance(by: .seconds(2))
            #expect(try await fixture.request(path, token: Fixture.aliceToken).status == 403)
            #expect(fixture.accessReviews == 2)
            #expect(fixture.tokenReviews == 2)

            // Denials are cached for 2.5 s only: a grant shows after that.
            fixture.sim.setAuthPolicy(Fixture.policy)
            fixture.clock.advance(by: .seconds(2))
            #expect(try await fixture.request(path, token: Fixture.aliceToken).status == 403)
            #expect(fixture.accessReviews == 2)
            fixture.clock.advance(by: .seconds(1))
            #expect(try await fixture.request(path, token: Fixture.aliceToken).status == 200)
            #expect(fixture.accessReviews == 3)
        }
    }

    /// When the upstream cannot be asked, the read is refused with 503, not allowed, and
    /// nothing is cached: the next read asks again.
    @Test func upstreamFailureIsNeverAnAllow() async throws {
        try await Fixture.with { fixture in
            fixture.sim.faults.isDown = true
            let response = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken)
            #expect(response.status == 503, "\(response.text)")
            #expect(response.statusReason == "ServiceUnavailable")
            #expect(response.statusMessage?.hasPrefix("kcache could not authorize the request: ") == true)
            #expect(response.header("Retry-After") == "1")
            #expect(fixture.proxy.authorizer?.statistics.counters.count(.error) == 1)

            fixture.sim.faults.isDown = false
            let recovered = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken)
            #expect(recovered.status == 200)
            #expect(recovered.header("X-Kcache-Source") == "cache")
        }
    }

    /// If kcache's own identity may not create reviews, reads are refused with 500, naming
    /// the problem for the operator.
    @Test func reviewsRefusedToKcacheAreAnInternalError() async throws {
        try await Fixture.with { fixture in
            var policy = Fixture.policy
            policy.rules.removeAll { $0.verbs == ["create"] && $0.resources.contains("tokenreviews") }
            fixture.sim.setAuthPolicy(policy)
            let response = try await fixture.request("/api/v1/namespaces/ns-0/configmaps", token: Fixture.aliceToken)
            #expect(response.status == 500)
            #expect(response.statusReason == "InternalError")
            #expect(response.statusMessage?.contains("refused kcache's TokenReview with 403") == true, "\(response.text)")
        }
    }

    /// `--auth none`: kcache's identity for everything, no reviews.
    @Test func authNoneServesWithoutReviews() async throws {
        var options = Fixture.Options()
        options.authentication = .none
        try await Fixture.with(options) { fixture in
            #expect(fixture.proxy.authorizer == nil)
            let response = try await fixture.request("/api/v1/namespaces/ns-1/secrets", token: Fixture.bobToken)
            #expect(response.status == 200)
            #expect(response.header("X-Kcache-Source") == "cache")
            #expect(fixture.tokenReviews == 0)
            #expect(fixture.accessReviews == 0)
        }
    }
}
