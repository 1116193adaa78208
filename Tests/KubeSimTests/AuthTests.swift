import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// KubeSim's TokenReview and SubjectAccessReview answers, and its enforcement of a policy on
/// its own API, in the API server's shapes and words.
@Suite struct AuthTests {
    static var policy: KubeSim.AuthPolicy {
        KubeSim.AuthPolicy(
            tokens: [
                "admin-token": .init(name: "admin", groups: ["system:masters"]),
                "alice-token": .init(name: "alice", uid: "a-1", groups: ["team-a"]),
            ],
            rules: [
                .init([.group("system:masters")], verbs: ["*"]),
                .init([.group("team-a")], verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["configmaps"],
                      namespaces: ["ns-0"]),
                .init([.user("alice")], verbs: ["list"], apiGroups: [""], resources: ["pods"],
                      requiredFieldSelector: ["spec.nodeName": "node-1"], requiredLabelSelector: ["app": "web"]),
            ])
    }

    static func withSim(enforce: Bool = true, _ body: (SimFixture) async throws -> Void) async throws {
        var configuration = SimFixture.fastConfiguration
        var policy = Self.policy
        policy.enforce = enforce
        configuration.auth = policy
        try await SimFixture.with(configuration: configuration, seed: SeedPlan(namespaces: 2, configMapsPerNamespace: 2, podsPerNamespace: 2)) { fixture in
            try await body(fixture)
        }
    }

    static func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }

    func post(_ fixture: SimFixture, _ path: String, _ json: String, token: String = "admin-token") async throws -> TestHTTPResponse {
        try await fixture.client.send("POST", fixture.url(path), json: json, headers: Self.bearer(token))
    }

    @Test func tokenReviewAnswersWhoATokenIs() async throws {
        try await Self.withSim { fixture in
            let known = try await post(fixture, "/apis/authentication.k8s.io/v1/tokenreviews",
                                       #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"alice-token"}}"#)
            #expect(known.status == 201, "\(known.text)")
            #expect(known.object["kind"] as? String == "TokenReview")
            #expect(known.object["apiVersion"] as? String == "authentication.k8s.io/v1")
            let status = known.object["status"] as? [String: Any] ?? [:]
            #expect(status["authenticated"] as? Bool == true)
            let user = status["user"] as? [String: Any] ?? [:]
            #expect(user["username"] as? String == "alice")
            #expect(user["uid"] as? String == "a-1")
            #expect(user["groups"] as? [String] == ["team-a", "system:authenticated"])

            let unknown = try await post(fixture, "/apis/authentication.k8s.io/v1/tokenreviews", #"{"spec":{"token":"nope"}}"#)
            #expect(unknown.status == 201)
            let unknownStatus = unknown.object["status"] as? [String: Any] ?? [:]
            #expect(unknownStatus["authenticated"] == nil, "false is omitted, as Go's omitempty does")
            #expect((unknownStatus["user"] as? [String: Any])?.isEmpty == true)
            #expect(unknownStatus["error"] as? String == "invalid bearer token")

            let empty = try await post(fixture, "/apis/authentication.k8s.io/v1/tokenreviews", #"{"spec":{}}"#)
            #expect(empty.status == 400)
            #expect(empty.message == "token is required for TokenReview in authentication")
            #expect(fixture.sim.counters.count(verb: "create", resource: "tokenreviews") == 3)
        }
    }

    @Test func subjectAccessReviewDecidesByThePolicy() async throws {
        try await Self.withSim { fixture in
            func review(_ attributes: String, user: String = "alice", groups: [String] = ["team-a"]) async throws -> [String: Any] {
                let groupsJSON = groups.map { "\"\($0)\"" }.joined(separator: ",")
                let response = try await post(fixture, "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                    #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"\#(user)","groups":[\#(groupsJSON)],"resourceAttributes":\#(attributes)}}"#)
                #expect(response.status == 201, "\(response.text)")
                #expect(response.object["kind"] as? String == "SubjectAccessReview")
                return response.object["status"] as? [String: Any] ?? [:]
            }
            let allowed = try await review(#"{"namespace":"ns-0","verb":"list","version":"v1","resource":"configmaps"}"#)
            #expect(allowed["allowed"] as? Bool == true)
            #expect((allowed["reason"] as? String)?.isEmpty == false)
            let otherNamespace = try await review(#"{"namespace":"ns-1","verb":"list","version":"v1","resource":"configmaps"}"#)
            #expect(otherNamespace["allowed"] as? Bool == false)
            #expect(otherNamespace["reason"] == nil)
            let clusterWide = try await review(#"{"verb":"list","version":"v1","resource":"configmaps"}"#)
            #expect(clusterWide["allowed"] as? Bool == false, "a namespaced grant does not cover all namespaces")
            let write = try await review(#"{"namespace":"ns-0","verb":"delete","version":"v1","resource":"configmaps","name":"cm-0"}"#)
            #expect(write["allowed"] as? Bool == false)
            let byGroupOnly = try await review(#"{"namespace":"ns-0","verb":"get","resource":"configmaps"}"#, user: "someone")
            #expect(byGroupOnly["allowed"] as? Bool == true, "groups decide too")

            // Selector-limited grant: only with both selector terms, as requirements or raw.
            let pods = #""verb":"list","version":"v1","resource":"pods""#
            let withSelectors = try await review(
                #"{\#(pods),"fieldSelector":{"requirements":[{"key":"spec.nodeName","operator":"In","values":["node-1"]}]},"labelSelector":{"requirements":[{"key":"app","operator":"In","values":["web"]}]}}"#)
            #expect(withSelectors["allowed"] as? Bool == true)
            let raw = try await review(
                #"{\#(pods),"fieldSelector":{"rawSelector":"spec.nodeName=node-1"},"labelSelector":{"rawSelector":"app=web"}}"#)
            #expect(raw["allowed"] as? Bool == true)
            let wrongNode = try await review(
                #"{\#(pods),"fieldSelector":{"requirements":[{"key":"spec.nodeName","operator":"In","values":["node-2"]}]},"labelSelector":{"requirements":[{"key":"app","operator":"In","values":["web"]}]}}"#)
            #expect(wrongNode["allowed"] as? Bool == false)
            let noSelector = try await review("{\(pods)}")
            #expect(noSelector["allowed"] as? Bool == false)
        }
    }

    @Test func malformedReviewsAreRejected() async throws {
        try await Self.withSim { fixture in
            let noSubject = try await post(fixture, "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                                           #"{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}"#)
            #expect(noSubject.status == 422)
            #expect(noSubject.reason == "Invalid")
            #expect(noSubject.message == #"SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified"#)
            let notJSON = try await post(fixture, "/apis/authorization.k8s.io/v1/subjectaccessreviews", "{")
            #expect(notJSON.status == 400)
            let get = try await fixture.get("/apis/authentication.k8s.io/v1/tokenreviews", headers: Self.bearer("admin-token"))
            #expect(get.status == 405)
        }
    }

    @Test func enforcedPolicyGuardsKubeSimsOwnAPI() async throws {
        try await Self.withSim { fixture in
            let allowed = try await fixture.get("/api/v1/namespaces/ns-0/configmaps", headers: Self.bearer("alice-token"))
            #expect(allowed.status == 200)
            #expect(allowed.itemNames == ["cm-0", "cm-1"])
            #expect(fixture.sim.requestCount(user: "alice", verb: "list", resource: "configmaps") == 1)

            let denied = try await fixture.get("/api/v1/namespaces/ns-1/configmaps/cm-0", headers: Self.bearer("alice-token"))
            #expect(denied.status == 403)
            #expect(denied.reason == "Forbidden")
            #expect(denied.message == #"configmaps "cm-0" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "ns-1""#)
            let details = denied.object["details"] as? [String: Any] ?? [:]
            #expect(details["name"] as? String == "cm-0")
            #expect(details["kind"] as? String == "configmaps")

            let deployments = try await fixture.get("/apis/apps/v1/deployments", headers: Self.bearer("alice-token"))
            #expect(deployments.status == 403)
            #expect(deployments.message == #"deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope"#)

            let unknown = try await fixture.get("/api/v1/namespaces/ns-0/configmaps", headers: Self.bearer("forged"))
            #expect(unknown.status == 401)
            #expect(unknown.reason == "Unauthorized")
            #expect(unknown.message == "Unauthorized")

            let anonymous = try await fixture.get("/api/v1/namespaces")
            #expect(anonymous.status == 403)
            #expect(anonymous.message == #"namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope"#)
            // Discovery and version stay open.
            #expect(try await fixture.get("/api/v1").status == 200)
            #expect(try await fixture.get("/version").status == 200)

            // Reviews need `create` on them.
            let review = try await post(fixture, "/apis/authentication.k8s.io/v1/tokenreviews", #"{"spec":{"token":"admin-token"}}"#, token: "alice-token")
            #expect(review.status == 403)
            #expect(review.message == #"tokenreviews.authentication.k8s.io is forbidden: User "alice" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope"#)

            // A policy change applies to the next request.
            fixture.sim.setAuthPolicy(nil)
            #expect(try await fixture.get("/api/v1/namespaces/ns-1/configmaps/cm-0").status == 200)
        }
    }

    @Test func unenforcedPolicyOnlyAnswersReviews() async throws {
        try await Self.withSim(enforce: false) { fixture in
            #expect(try await fixture.get("/api/v1/namespaces/ns-1/configmaps", headers: Self.bearer("forged")).status == 200)
            let review = try await post(fixture, "/apis/authentication.k8s.io/v1/tokenreviews", #"{"spec":{"token":"alice-token"}}"#, token: "forged")
            #expect(review.status == 201)
            #expect((review.object["status"] as? [String: Any])?["authenticated"] as? Bool == true)
        }
    }
}
