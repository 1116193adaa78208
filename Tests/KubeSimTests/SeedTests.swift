import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// Seeding and churn.
@Suite struct SeedTests {
    @Test func seedPlanCreatesLabelledRealisticObjects() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 3, configMapsPerNamespace: 4, podsPerNamespace: 20, configMapDataBytes: 1000, nodes: 4)) { fixture in
            let namespaces = try await fixture.get("/api/v1/namespaces")
            #expect(namespaces.itemNames == ["default", "kube-node-lease", "kube-public", "kube-system", "ns-0", "ns-1", "ns-2"])
            let nodes = try await fixture.get("/api/v1/nodes")
            #expect(nodes.itemNames == ["node-0", "node-1", "node-2", "node-3"])
            let configMaps = try await fixture.get("/api/v1/configmaps")
            #expect(configMaps.items.count == 12)
            let payload = (configMaps.items.first?["data"] as? [String: String])?["payload"]
            #expect(payload?.utf8.count == 1000)
            let pods = try await fixture.get("/api/v1/pods")
            #expect(pods.items.count == 60)
            let sizes = try await (0..<20).asyncMap { index in try await fixture.get("/api/v1/namespaces/ns-0/pods/pod-\(index)").body.count }
            #expect(sizes.allSatisfy { (2000...4500).contains($0) }, "\(sizes)")
            let unscheduled = try await fixture.get("/api/v1/pods?fieldSelector=spec.nodeName%3D")
            #expect(unscheduled.itemKeys == ["ns-0/pod-19", "ns-0/pod-9", "ns-1/pod-19", "ns-1/pod-9", "ns-2/pod-19", "ns-2/pod-9"])
            let phases = Set(pods.items.compactMap { ($0["status"] as? [String: Any])?["phase"] as? String })
            #expect(phases == ["Running", "Succeeded", "Failed", "Pending"])
            let labels = pods.items.first?["metadata"].flatMap { ($0 as? [String: Any])?["labels"] as? [String: String] }
            #expect(labels == ["app": "app-0", "tier": "frontend", "index": "0"])
        }
    }

    @Test func churnWritesUntilStopped() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 2, configMapsPerNamespace: 5, podsPerNamespace: 5)) { fixture in
            let configMaps = try await fixture.watch("/api/v1/configmaps?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { configMaps.close() }
            fixture.sim.startChurn(writesPerSecond: 200)
            let events = try await configMaps.next(20)
            #expect(events.count == 20)
            #expect(Set(events.map(\.type)).isSubset(of: ["ADDED", "MODIFIED", "DELETED"]))
            let versions = events.compactMap { Int($0.resourceVersion ?? "") }
            #expect(versions == versions.sorted(), "events arrive in resourceVersion order")
            fixture.sim.stopChurn()
            let stoppedAt = fixture.sim.churnWrites
            #expect(stoppedAt >= 20)
            try await waitUntil("churn to stay stopped") { fixture.sim.churnWrites == stoppedAt }
        }
    }

    @Test func seedingAndListingScale() async throws {
        let sim = KubeSim()
        let clock = ContinuousClock()
        let started = clock.now
        try sim.seed(SeedPlan(namespaces: 10, configMapsPerNamespace: 1000, podsPerNamespace: 0))
        let seeded = clock.now - started
        try await withServer(sim) { sim in
            let client = TestHTTPClient()
            let listStarted = clock.now
            let list = try await client.request("GET", sim.baseURL + "/api/v1/configmaps")
            let listed = clock.now - listStarted
            #expect(list.status == 200)
            #expect(list.body.count > 10_000 * 100)
            print("SeedTests: seeded 10,000 configmaps in \(seeded), listed them (\(list.body.count) bytes) in \(listed)")
        }
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
