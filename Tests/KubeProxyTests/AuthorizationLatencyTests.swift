import Foundation
import KubeProxy
import KubeTestSupport
import Testing

/// What authorization adds to a cached read: p50/p99 over a few hundred reads with `--auth
/// none` and with `--auth passthrough` (decision cached), over HTTP and at the router alone,
/// plus a read whose decision is not cached (one SubjectAccessReview to KubeSim). Prints the
/// figures; asserts only that every read was answered from the cache (times depend on the
/// machine and the build).
@Suite(.serialized) struct AuthorizationLatencyTests {
    static let requests = 300
    static let path = "/api/v1/namespaces/ns-0/configmaps"

    struct Figures: CustomStringConvertible {
        var samples: [Duration]
        func percentile(_ p: Double) -> Duration {
            let sorted = samples.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        static func micros(_ duration: Duration) -> String {
            let value = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
            return String(format: "%.1f µs", value)
        }
        var description: String { "p50 \(Self.micros(percentile(0.5))), p99 \(Self.micros(percentile(0.99))) (n=\(samples.count))" }
    }

    /// One HTTP round trip (its own connection, as `TestHTTPClient` makes them).
    static func timeRequest(_ fixture: AuthorizationFixture, token: String?) async throws -> Duration {
        let start = ContinuousClock.now
        let response = try await fixture.request(path, token: token)
        let elapsed = ContinuousClock.now - start
        #expect(response.status == 200)
        #expect(response.header("X-Kcache-Source") == "cache")
        return elapsed
    }

    /// One `route()` call: the router's decision alone, without sockets.
    static func timeRoute(_ fixture: AuthorizationFixture, token: String?) -> Duration {
        var headers: [(name: String, value: String)] = [("Host", "kcache"), ("Accept", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let request = ProxyRequest(method: "GET", uri: path, headers: headers)
        let start = ContinuousClock.now
        let answered = fixture.proxy.router.route(request)
        let elapsed = ContinuousClock.now - start
        if case .response(let response) = answered {
            #expect(response.source == .cache)
        } else {
            Issue.record("a cached LIST with a cached decision is answered at once")
        }
        return elapsed
    }

    /// Both proxies run at once and are measured alternately, so load from elsewhere on the
    /// machine falls on both alike.
    @Test func addedLatencyOfAnAuthorizedCachedRead() async throws {
        var noneOptions = AuthorizationFixture.Options()
        noneOptions.authentication = .none
        let token = AuthorizationFixture.aliceToken
        try await AuthorizationFixture.with(noneOptions) { plain in
            try await AuthorizationFixture.with { authorized in
                var http = (none: Figures(samples: []), authorized: Figures(samples: []))
                var route = (none: Figures(samples: []), authorized: Figures(samples: []))
                for round in 0..<(Self.requests + 50) {
                    let timings = (
                        try await Self.timeRequest(plain, token: nil), try await Self.timeRequest(authorized, token: token),
                        Self.timeRoute(plain, token: nil), Self.timeRoute(authorized, token: token))
                    guard round >= 50 else { continue }  // warm-up
                    http.none.samples.append(timings.0)
                    http.authorized.samples.append(timings.1)
                    route.none.samples.append(timings.2)
                    route.authorized.samples.append(timings.3)
                }
                // Misses: every read a new label selector, so one SubjectAccessReview each (the
                // token's identity stays cached).
                var miss = Figures(samples: [])
                for index in 0..<100 {
                    let start = ContinuousClock.now
                    let response = try await authorized.request("\(Self.path)?labelSelector=run%3D\(index)", token: token)
                    miss.samples.append(.now - start)
                    #expect(response.header("X-Kcache-Source") == "cache")
                }
                #expect(authorized.accessReviews == 101)
                print("""
                    authorization latency of a cached LIST (3 configmaps), this machine and build:
                      HTTP    --auth none:                          \(http.none)
                      HTTP    --auth passthrough, decision cached:  \(http.authorized)
                      HTTP    --auth passthrough, decision missed:  \(miss)  (one SubjectAccessReview to KubeSim)
                      route() --auth none:                          \(route.none)
                      route() --auth passthrough, decision cached:  \(route.authorized)
                      added by a cached decision, p50: \(Figures.micros(http.authorized.percentile(0.5) - http.none.percentile(0.5))) (HTTP), \(Figures.micros(route.authorized.percentile(0.5) - route.none.percentile(0.5))) (route)
                    """)
            }
        }
    }
}
