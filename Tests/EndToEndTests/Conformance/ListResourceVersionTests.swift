import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// LIST and the resourceVersion rules: unset (most recent), "0" (any; limit ignored),
/// N (not older than), N not reached (504 after a wait), Exact N.
@Suite struct ListResourceVersionTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 5, podsPerNamespace: 0)
    static let allKeys = (0..<2).flatMap { ns in (0..<5).map { "ns-\(ns)/cm-\($0)" } }

    @Test(arguments: ConformanceTarget.allCases)
    func unsetIsTheMostRecentState(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let written = try await fixture.createConfigMap("ns-0", "fresh")
            let list = try await fixture.get("/api/v1/configmaps")
            #expect(list.status == 200)
            fixture.expectFromCache(list)
            #expect(list.resourceVersion == written, "the write just made is the most recent state")
            #expect(list.itemKeys.contains("ns-0/fresh"))
            #expect(list.items.count == 11)
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func zeroIsAnyStateAndIgnoresLimit(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let list = try await fixture.get("/api/v1/configmaps?resourceVersion=0&limit=2")
            #expect(list.status == 200)
            fixture.expectFromCache(list)
            #expect(list.itemKeys == Self.allKeys, "RV=0 ignores limit")
            #expect(list.continueToken == nil)
            #expect(list.resourceVersion == fixture.upstreamResourceVersion)
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func numberIsNotOlderThan(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let written = try await fixture.createConfigMap("ns-1", "fresh")
            let atWrite = try await fixture.get("/api/v1/configmaps?resourceVersion=\(written)")
            #expect(atWrite.status == 200)
            fixture.expectFromCache(atWrite)
            #expect(atWrite.resourceVersion == written)
            #expect(atWrite.itemKeys.contains("ns-1/fresh"))

            // An old RV is not an error: the answer is at least that new (here: current).
            let old = try await fixture.get("/api/v1/configmaps?resourceVersion=1")
            #expect(old.status == 200)
            fixture.expectFromCache(old)
            #expect(old.resourceVersion == written)
            #expect(old.items.count == 11)
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func numberNotReachedIsATimeoutWithRetryAfter(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let future = Int(fixture.upstreamResourceVersion)! + 100
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await fixture.get("/api/v1/configmaps?resourceVersion=\(future)")
            let elapsed = clock.now - started
            #expect(elapsed >= .milliseconds(250), "the server waits for the RV before giving up (\(elapsed))")
            #expect(response.status == 504)
            #expect(response.reason == "Timeout")
            #expect(response.header("Retry-After") == "1")
            #expect(response.causes.first?["reason"] as? String == "ResourceVersionTooLarge")
            if target == .kcache {
                // A cache that is behind proves nothing: kcache asks the upstream, which decides.
                #expect(response.header("X-Kcache-Source") == "upstream")
                #expect(elapsed >= .milliseconds(550), "kcache's wait, then the upstream's (\(elapsed))")
            }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func exactReadsThatState(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let before = try await fixture.createConfigMap("ns-0", "newer")
            try await fixture.deleteConfigMap("ns-0", "cm-0")
            let after = try await fixture.createConfigMap("ns-0", "newest")
            let namespace = "/api/v1/namespaces/ns-0/configmaps"

            // The current state, named exactly: the cache holds it.
            let current = try await fixture.get("\(namespace)?resourceVersion=\(after)&resourceVersionMatch=Exact")
            #expect(current.status == 200)
            fixture.expectFromCache(current)
            #expect(current.resourceVersion == after)
            #expect(current.itemNames == ["cm-1", "cm-2", "cm-3", "cm-4", "newer", "newest"])

            // A past state, named exactly (Exact, or N with a limit). kcache answers it from a
            // retained store when it holds one, else from upstream (DESIGN.md invariant 2), so
            // its source is not asserted here: the content is.
            let expected = ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "newer"]
            let exact = try await fixture.get("\(namespace)?resourceVersion=\(before)&resourceVersionMatch=Exact")
            #expect(exact.status == 200, "\(exact.text)")
            #expect(exact.resourceVersion == before)
            #expect(exact.itemNames == expected)
            let withLimit = try await fixture.get("\(namespace)?resourceVersion=\(before)&limit=100")
            #expect(withLimit.status == 200, "\(withLimit.text)")
            #expect(withLimit.resourceVersion == before)
            #expect(withLimit.itemNames == expected)
        }
    }
}
