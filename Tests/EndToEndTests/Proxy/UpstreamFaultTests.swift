import Foundation
import KubeAPI
import KubeCache
import KubeSim
import KubeTestSupport
import Testing

/// What downstream watchers see when kcache's own upstream watch breaks (DESIGN.md invariant
/// 7): nothing. A dropped watch is resumed from the last RV and every change arrives once, in
/// order; a watch that comes back to compacted history relists, and the relist reaches open
/// watchers as the exact difference, as ordinary events. The watchers' streams stay open
/// throughout: clients never reconnect or relist because the upstream did.
@Suite struct UpstreamFaultTests {
    /// One write the test made to KubeSim, and the event every watcher must see for it.
    struct Write: Equatable, CustomStringConvertible {
        var type: String
        var namespace: String
        var name: String
        var resourceVersion: UInt64
        var description: String { "\(type) \(namespace)/\(name)@\(resourceVersion)" }

        init(_ type: String, _ namespace: String, _ name: String, _ resourceVersion: UInt64) {
            (self.type, self.namespace, self.name, self.resourceVersion) = (type, namespace, name, resourceVersion)
        }

        init(_ event: ParsedEvent) {
            self.init(event.type, event.namespace, event.name, event.resourceVersion)
        }
    }

    @Test func droppedUpstreamWatchesLoseAndRepeatNothing() async throws {
        let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 4, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(seed: seed) { fixture in
            let sim = fixture.sim
            let start = sim.currentResourceVersion
            let path = "/api/v1/configmaps?watch=true&resourceVersion=\(start)"
            var watchers: [WatchStream] = []
            for _ in 0..<3 { watchers.append(try await fixture.watch(path)) }
            // One scoped to a namespace: filtering must survive the resume too.
            let scoped = try await fixture.watch("/api/v1/namespaces/ns-0/configmaps?watch=true&resourceVersion=\(start)")
            defer { for stream in watchers + [scoped] { stream.close() } }
            for stream in watchers + [scoped] {
                #expect(stream.status == 200)
                #expect(stream.header("X-Kcache-Source") == "cache")
            }

            let cache = try #require(fixture.cache(ProxyFixture.configMaps))
            let upstreamWatches = { sim.counters.count(verb: "watch", resource: "configmaps") }
            var log = [Write("ADDED", "ns-1", "first", try fixture.create("ns-1", "first"))]
            var watchesAtDrop = 0
            for round in 0..<4 {
                // Drop only a working upstream watch: one kcache opened after the last drop and
                // that has delivered the writes made since (so the drop cuts a watch that
                // worked, as when an API server restarts).
                try await waitUntil(timeout: .seconds(60), "kcache to re-watch KubeSim and catch up (round \(round))") {
                    sim.openWatchCount == 1 && upstreamWatches() > watchesAtDrop && cache.resourceVersion >= sim.currentResourceVersion
                }
                watchesAtDrop = upstreamWatches()
                sim.faults.dropAllWatches()
                // Writes while kcache's watch is gone and while it comes back.
                for step in 0..<4 {
                    let namespace = "ns-\(step % 2)"
                    let (first, second) = ("r\(round)-s\(step)-a", "r\(round)-s\(step)-b")
                    log.append(Write("ADDED", namespace, first, try fixture.create(namespace, first)))
                    log.append(Write("ADDED", namespace, second, try fixture.create(namespace, second)))
                    log.append(Write("MODIFIED", namespace, "cm-\(step)", try fixture.patch(namespace, "cm-\(step)", data: ["round": "\(round)"])))
                    log.append(Write("DELETED", namespace, first, try fixture.delete(namespace, first)))
                }
            }
            #expect(zip(log, log.dropFirst()).allSatisfy { $0.resourceVersion < $1.resourceVersion }, "KubeSim's own log is strictly increasing")

            for (index, stream) in (watchers + [scoped]).enumerated() {
                let expected = stream === scoped ? log.filter { $0.namespace == "ns-0" } : log
                let received = try await stream.receive(expected.count, "watcher \(index)").map(Write.init)
                #expect(received == expected, "watcher \(index): every write exactly once, in order")
                #expect(stream.endReason == nil, "watcher \(index) was never ended")
            }
            // Nothing repeated after the last write either: the next event is the next write.
            let sentinel = Write("ADDED", "ns-0", "sentinel", try fixture.create("ns-0", "sentinel"))
            for (index, stream) in (watchers + [scoped]).enumerated() {
                let event = try #require(try await stream.next(timeout: .seconds(60)), "watcher \(index) ended")
                #expect(Write(ParsedEvent(event)) == sentinel, "watcher \(index)")
                #expect(stream.endReason == nil)
            }

            #expect(upstreamWatches() >= 5, "kcache re-watched after each of the 4 drops")
            #expect(cache.counters.relists == 0, "a dropped watch is resumed, not relisted")
            let reflector = try #require(fixture.proxy.registry.reflectors.first { $0.cache === cache })
            #expect(reflector.counters.errors == 0, "a watch that broke off after working is re-watched at once, not backed off")
            #expect(sim.counters.count(verb: "list", resource: "configmaps") == 1, "only the first LIST reached KubeSim")
        }
    }

    @Test func compactedHistoryWhileDownReachesWatchersAsTheDifference() async throws {
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 6, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(seed: seed, configure: { configuration, _ in
            // Retry the refused watch quickly, so the test does not wait out 30 s backoffs.
            configuration.registry.reflector.backoff.initial = .milliseconds(50)
            configuration.registry.reflector.backoff.maximum = .milliseconds(200)
        }) { fixture in
            let sim = fixture.sim
            let start = sim.currentResourceVersion
            let resumed = try await fixture.watch("/api/v1/namespaces/ns-0/configmaps?watch=true&resourceVersion=\(start)")
            let everything = try await fixture.watch("/api/v1/configmaps?watch=true")
            defer { resumed.close(); everything.close() }
            let initial = try await everything.receive(6, "initial events")
            #expect(initial.map(\.type) == Array(repeating: "ADDED", count: 6))
            let uids = Dictionary(uniqueKeysWithValues: initial.map { ($0.name, $0.uid) })

            // kcache's upstream watch goes down and stays down (once it is open: the reflector
            // opens it just after the first LIST, which /readyz waited for).
            try await waitUntil(timeout: .seconds(60), "kcache to watch KubeSim") { sim.openWatchCount == 1 }
            let watchesAtDrop = sim.counters.count(verb: "watch", resource: "configmaps")
            sim.faults.refuseWatches = true
            sim.faults.dropAllWatches()
            try await waitUntil(timeout: .seconds(60), "kcache's re-watch to be refused") {
                sim.counters.count(verb: "watch", resource: "configmaps") > watchesAtDrop && sim.openWatchCount == 0
            }

            // Meanwhile, in the upstream:
            try fixture.patch("ns-0", "cm-1", data: ["first": "1"])
            let modified = try fixture.patch("ns-0", "cm-1", data: ["second": "2"])  // two changes, one MODIFIED
            try fixture.delete("ns-0", "cm-2")
            try fixture.delete("ns-0", "cm-3")
            let recreated = try fixture.create("ns-0", "cm-3", data: ["again": "yes"])  // same name, new UID
            let addedA = try fixture.create("ns-0", "new-a")
            try fixture.create("ns-0", "brief")
            try fixture.delete("ns-0", "brief")  // never seen: no event
            try fixture.patch("ns-0", "cm-4", data: ["doomed": "yes"])
            try fixture.delete("ns-0", "cm-4")  // one DELETED, with the state kcache knew
            let addedC = try fixture.create("ns-0", "new-c")
            sim.faults.compactHistory()
            let listResourceVersion = sim.currentResourceVersion.value
            let after = try JSONSerialization.jsonObject(with: Data(try sim.list(ProxyFixture.configMaps, namespace: "ns-0"))) as? [String: Any]
            let afterUIDs = Dictionary(uniqueKeysWithValues: (after?["items"] as? [[String: Any]] ?? []).compactMap { item -> (String, String)? in
                guard let metadata = item["metadata"] as? [String: Any], let name = metadata["name"] as? String,
                      let uid = metadata["uid"] as? String else { return nil }
                return (name, uid)
            })

            // The upstream comes back: the watch from kcache's RV is expired, so kcache relists.
            sim.faults.refuseWatches = false
            let expected: [ParsedEvent] = [
                ParsedEvent(type: "MODIFIED", namespace: "ns-0", name: "cm-1", uid: uids["cm-1"] ?? "?", resourceVersion: modified),
                ParsedEvent(type: "DELETED", namespace: "ns-0", name: "cm-3", uid: uids["cm-3"] ?? "?", resourceVersion: recreated),
                ParsedEvent(type: "ADDED", namespace: "ns-0", name: "cm-3", uid: afterUIDs["cm-3"] ?? "?", resourceVersion: recreated),
                ParsedEvent(type: "ADDED", namespace: "ns-0", name: "new-a", uid: afterUIDs["new-a"] ?? "?", resourceVersion: addedA),
                ParsedEvent(type: "ADDED", namespace: "ns-0", name: "new-c", uid: afterUIDs["new-c"] ?? "?", resourceVersion: addedC),
                // Gone while kcache was away: the deletion is known from the LIST.
                ParsedEvent(type: "DELETED", namespace: "ns-0", name: "cm-2", uid: uids["cm-2"] ?? "?", resourceVersion: listResourceVersion),
                ParsedEvent(type: "DELETED", namespace: "ns-0", name: "cm-4", uid: uids["cm-4"] ?? "?", resourceVersion: listResourceVersion),
            ]
            // A deletion's real RV is unknown: kcache gives each its own free RV after the one
            // it had (at most the LIST's; for cm-3, before its successor's), so events are
            // compared without the RVs of deletions, which are checked apart.
            func shape(_ event: ParsedEvent) -> String {
                event.type == "DELETED" ? "DELETED \(event.namespace)/\(event.name) \(event.uid)" : event.description
            }
            let seenBefore = initial.map(\.resourceVersion).max() ?? 0
            #expect(uids["cm-3"] != afterUIDs["cm-3"], "cm-3 was recreated with a new UID")

            for (what, stream) in [("watch from an RV", resumed), ("watch from the start", everything)] {
                let events = try await stream.receive(expected.count, what)
                #expect(events.count == expected.count, "\(what): \(events)")
                #expect(Set(events.map(shape)) == Set(expected.map(shape)), "\(what): exactly the difference")
                #expect(events.map(\.uid).sorted() == expected.map(\.uid).sorted(), "\(what): the objects' UIDs")
                #expect(zip(events, events.dropFirst()).allSatisfy { $0.resourceVersion < $1.resourceVersion },
                        "\(what): each event its own RV, in order: \(events)")
                for deletion in events where deletion.type == "DELETED" {
                    #expect(deletion.resourceVersion > seenBefore && deletion.resourceVersion <= listResourceVersion, "\(what): \(deletion)")
                }
                #expect(events.first { $0.type == "DELETED" && $0.name == "cm-3" }.map { $0.resourceVersion < recreated } == true,
                        "\(what): cm-3 deleted before it was recreated")
                let replaced = events.enumerated().filter { $0.element.name == "cm-3" }.map { "\($0.element.type) \($0.element.uid)" }
                #expect(replaced == ["DELETED \(uids["cm-3"] ?? "?")", "ADDED \(afterUIDs["cm-3"] ?? "?")"], "\(what): a new UID is DELETED then ADDED")
                #expect(stream.endReason == nil, "\(what) stayed open")
            }

            // And the watchers carry on live from the relisted state.
            let sentinel = try fixture.create("ns-0", "sentinel")
            for stream in [resumed, everything] {
                let event = ParsedEvent(try #require(try await stream.next(timeout: .seconds(60))))
                #expect(event == ParsedEvent(type: "ADDED", namespace: "ns-0", name: "sentinel", uid: event.uid, resourceVersion: sentinel))
            }
            let cache = try #require(fixture.cache(ProxyFixture.configMaps))
            #expect(cache.counters.relists == 1)
            #expect(sim.counters.count(verb: "list", resource: "configmaps") == 2, "the first LIST and one relist")
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?resourceVersion=0")
            #expect(list.header("X-Kcache-Source") == "cache")
            #expect(list.itemNames == ["cm-0", "cm-1", "cm-3", "cm-5", "new-a", "new-c", "sentinel"])
        }
    }
}
