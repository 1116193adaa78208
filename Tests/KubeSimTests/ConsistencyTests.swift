import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// What every informer relies on: LIST at R, then WATCH from R, replayed, equals a later LIST,
/// with events in strictly increasing resourceVersion order — under concurrent churn and
/// with many watchers.
@Suite struct ConsistencyTests {
    @Test func listThenWatchReconstructsTheStateUnderChurn() async throws {
        var configuration = SimFixture.fastConfiguration
        configuration.bookmarkInterval = .milliseconds(100)
        try await SimFixture.with(configuration: configuration, seed: SeedPlan(namespaces: 3, configMapsPerNamespace: 20, podsPerNamespace: 5)) { fixture in
            fixture.sim.startChurn(writesPerSecond: 400)
            // Several informers, each listing then watching from its list's RV.
            var informers: [(state: [String: String], stream: WatchStream)] = []
            for _ in 0..<8 {
                let list = try await fixture.get("/api/v1/configmaps")
                var state: [String: String] = [:]
                for item in list.items {
                    let metadata = item["metadata"] as? [String: Any] ?? [:]
                    state["\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"] = metadata["resourceVersion"] as? String
                }
                let stream = try await fixture.watch("/api/v1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=\(list.resourceVersion ?? "")")
                informers.append((state, stream))
            }
            try await waitUntil(timeout: .seconds(60), "enough churn") { fixture.sim.churnWrites >= 300 }
            fixture.sim.stopChurn()
            let final = try await fixture.get("/api/v1/configmaps")
            let finalRV = Int(final.resourceVersion ?? "") ?? 0
            var expected: [String: String] = [:]
            for item in final.items {
                let metadata = item["metadata"] as? [String: Any] ?? [:]
                expected["\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"] = metadata["resourceVersion"] as? String
            }
            for index in informers.indices {
                var lastRV = 0
                let stream = informers[index].stream
                defer { stream.close() }
                while lastRV < finalRV {
                    guard let event = try await stream.next(timeout: .seconds(30)) else { break }
                    let rv = Int(event.resourceVersion ?? "") ?? 0
                    if event.type == "BOOKMARK" {
                        // The last write may have been to pods: a bookmark says the watch has
                        // caught up with the global resourceVersion.
                        #expect(rv >= lastRV)
                        lastRV = rv
                        continue
                    }
                    #expect(rv > lastRV, "events in increasing resourceVersion order")
                    lastRV = rv
                    let key = "\(event.namespace ?? "")/\(event.name ?? "")"
                    switch event.type {
                    case "ADDED", "MODIFIED": informers[index].state[key] = event.resourceVersion
                    case "DELETED": informers[index].state[key] = nil
                    default: Issue.record("unexpected event \(event)")
                    }
                }
                #expect(informers[index].state == expected, "informer \(index) converged on the final LIST")
            }
        }
    }
}
