import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// What reaches the upstream: KubeSim counts every request it serves, so repeated reads show
/// where they were answered. Alone, KubeSim serves each one; behind kcache, once the first sync
/// is done, GET, LIST and WATCH of cached kinds never reach it (DESIGN.md: one upstream watch
/// per cached resource, whatever the number of clients).
@Suite struct UpstreamLoadTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 2)

    @Test(arguments: ConformanceTarget.allCases)
    func repeatedReadsOfCachedKinds(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let counters = fixture.sim.counters
            let before = counters.snapshot
            let reads = [
                "/api/v1/configmaps", "/api/v1/namespaces/ns-0/configmaps", "/api/v1/configmaps?resourceVersion=0",
                "/api/v1/configmaps?limit=2", "/api/v1/namespaces/ns-1/configmaps/cm-2", "/api/v1/pods",
                "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1", "/api/v1/namespaces/ns-0/pods/pod-1",
                "/api/v1/configmaps?labelSelector=tier%3Dfrontend", "/api/v1/namespaces",
            ]
            for _ in 0..<3 {
                for path in reads {
                    let response = try await fixture.get(path)
                    #expect(response.status == 200, "\(path)")
                    fixture.expectFromCache(response, path)
                }
            }
            var streams: [WatchStream] = []
            for _ in 0..<3 {
                let stream = try await fixture.watch("/api/v1/configmaps?watch=true")
                streams.append(stream)
                fixture.expectFromCache(stream)
                #expect(try await stream.next(6).count == 6)
            }
            for stream in streams { stream.close() }

            func delta(_ verb: String, _ resource: String) -> Int {
                counters.count(verb: verb, resource: resource) - (before[.init(verb: verb, resource: resource)] ?? 0)
            }
            let expectedReads = target == .sim ? 3 : 0
            #expect(delta("list", "configmaps") == (target == .sim ? 15 : 0))
            #expect(delta("get", "configmaps") == expectedReads)
            #expect(delta("list", "pods") == (target == .sim ? 6 : 0))
            #expect(delta("get", "pods") == expectedReads)
            #expect(delta("list", "namespaces") == expectedReads)
            #expect(delta("watch", "configmaps") == expectedReads)
            if target == .kcache {
                #expect(counters.count(verb: "watch", resource: "configmaps") == 1, "one upstream watch per cached resource")
            }
        }
    }
}
