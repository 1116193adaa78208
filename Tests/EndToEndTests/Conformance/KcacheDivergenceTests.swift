import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// Where kcache legitimately answers what its upstream no longer can. Not conformance cases
/// (KubeSim alone answers differently), but documented behaviour, pinned by tests.
@Suite struct KcacheDivergenceTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 5, podsPerNamespace: 0)

    /// kcache retains the store a continue token points at (DESIGN.md invariant 2), so a
    /// paginated LIST completes consistently even after the upstream compacted that RV away —
    /// where the API server (here KubeSim) answers 410 and the client must start over.
    @Test func retainedSnapshotOutlivesUpstreamCompaction() async throws {
        try await ConformanceFixture.with(.kcache, seed: Self.seed) { fixture in
            let first = try await fixture.get("/api/v1/configmaps?limit=4")
            fixture.expectFromCache(first)
            let token = try #require(first.continueToken)
            try await fixture.createConfigMap("ns-0", "after")
            fixture.sim.faults.compactHistory()

            let upstream = try await fixture.getFromSim("/api/v1/configmaps?limit=4&continue=\(token)")
            #expect(upstream.status == 410, "the upstream lost that state")
            let second = try await fixture.get("/api/v1/configmaps?limit=4&continue=\(token)")
            #expect(second.status == 200, "\(second.text)")
            fixture.expectFromCache(second)
            #expect(second.resourceVersion == first.resourceVersion)
            #expect(second.itemKeys == ["ns-0/cm-4", "ns-1/cm-0", "ns-1/cm-1", "ns-1/cm-2"])
        }
    }

    /// kcache's watch history starts where its reflector started and is independent of the
    /// upstream's: an RV the upstream compacted away but kcache saw is still resumable there.
    @Test func watchHistoryOutlivesUpstreamCompaction() async throws {
        try await ConformanceFixture.with(.kcache, seed: Self.seed) { fixture in
            let start = fixture.upstreamResourceVersion
            let written = try await fixture.createConfigMap("ns-0", "after")
            // The cache has the event once a read at its RV is answered from the cache.
            let caughtUp = try await fixture.get("/api/v1/configmaps?resourceVersion=\(written)")
            fixture.expectFromCache(caughtUp)
            fixture.sim.faults.compactHistory()

            let upstream = try await fixture.client.watch(fixture.sim.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(start)")
            defer { upstream.close() }
            #expect(try await upstream.next()?.type == "ERROR")
            let stream = try await fixture.watch("/api/v1/configmaps?watch=true&resourceVersion=\(start)")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let event = try #require(try await stream.next())
            #expect(event.type == "ADDED")
            #expect(event.name == "after")
            #expect(event.resourceVersion == written)
        }
    }
}
