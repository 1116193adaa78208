import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// One upstream watch, many downstream ones (DESIGN.md invariant 3): 200 clients watching
/// through kcache each receive all of 300 upstream writes, in order, while KubeSim serves a
/// single watch.
@Suite struct FanOutTests {
    @Test func twoHundredWatchersEachReceiveEveryWriteInOrder() async throws {
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 20, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(seed: seed) { fixture in
            let start = fixture.sim.currentResourceVersion
            let path = "/api/v1/namespaces/ns-0/configmaps?watch=true&resourceVersion=\(start)"
            let watchers = try await withThrowingTaskGroup(of: WatchReader.self) { group in
                for _ in 0..<200 { group.addTask { try await fixture.watchReader(path) } }
                return try await group.reduce(into: [WatchReader]()) { $0.append($1) }
            }
            #expect(watchers.count == 200)
            #expect(watchers.allSatisfy { $0.status == 200 && $0.header("X-Kcache-Source") == "cache" })

            // 300 upstream writes: creates, updates and deletes, as KubeSim records them.
            var log: [(type: String, name: String, resourceVersion: UInt64)] = []
            for index in 0..<300 {
                switch index % 6 {
                case 0, 1, 2:
                    let name = "fan-\(index)"
                    log.append(("ADDED", name, try fixture.create("ns-0", name)))
                case 3, 4:
                    let name = "cm-\(index % 20)"
                    log.append(("MODIFIED", name, try fixture.patch("ns-0", name, data: ["write": "\(index)"])))
                default:
                    let name = "fan-\(index - 5)"
                    log.append(("DELETED", name, try fixture.delete("ns-0", name)))
                }
            }

            try await waitUntil(timeout: .seconds(60), "every watcher to receive 300 events") {
                watchers.allSatisfy { $0.receivedCount >= 300 || $0.endReason != nil }
            }
            let expectedVersions = log.map(\.resourceVersion)
            let expectedEvents = log.map { "\($0.type) \($0.name)" }
            var failures = 0
            for (index, stream) in watchers.enumerated() {
                let events = stream.take().map(ParsedEvent.init)
                let versions = events.map(\.resourceVersion)
                let ok = versions == expectedVersions && events.map { "\($0.type) \($0.name)" } == expectedEvents
                    && stream.endReason == nil
                if !ok {
                    failures += 1
                    // One detailed report is enough to see what went wrong.
                    if failures == 1 {
                        Issue.record("watcher \(index): \(events.count) events, ended: \(String(describing: stream.endReason)); first differences: \(zip(versions, expectedVersions).enumerated().filter { $0.element.0 != $0.element.1 }.prefix(5).map { "#\($0.offset): \($0.element.0) ≠ \($0.element.1)" })")
                    }
                }
            }
            #expect(failures == 0, "\(failures) of 200 watchers did not receive exactly the 300 writes in order")
            #expect(fixture.sim.counters.count(verb: "watch", resource: "configmaps") == 1, "one upstream watch for 200 clients")
            #expect(fixture.cache(ProxyFixture.configMaps)?.counters.slowWatchersEnded == 0)
            for stream in watchers { await stream.close() }
        }
    }
}
