import Foundation
import KubeSim
import KubeTestSupport
import Testing

extension SnapshotProcessTests {
    /// A restarted kcache serves at once from its snapshot and costs the upstream one resumed
    /// WATCH per resource, no LIST (issue 5, "What it must show"): the real executable, stopped
    /// with SIGTERM and started again in front of the same KubeSim.
    @Suite struct RestartWarmTests {
        /// 10,000 configmaps in 20 namespaces, and the namespaces.
        ///
        /// The restart is timed from the spawn of the process to the end of the first LIST's
        /// answer; the best of up to five restarts counts, so that a shared, busy machine (CI
        /// runs the debug build on two cores) is measured, not its scheduler. Every restart must
        /// answer the same content, and the last one must cost the upstream no LIST.
        @Test func restartAnswersTenThousandObjectsAtOnceWithoutListing() async throws {
            let seed = SeedPlan(namespaces: 20, configMapsPerNamespace: 500, podsPerNamespace: 0, nodes: 0)
            let resources = ["configmaps", "namespaces"]
            try await RestartFixture.with(seed: seed, resources: resources) { fixture in
                let first = try await fixture.start()
                try await fixture.waitUntilSynced(first)
                let configMaps = try await fixture.list(first.baseURL + "/api/v1/configmaps")
                let namespaces = try await fixture.list(first.baseURL + "/api/v1/namespaces")
                #expect(configMaps.items.count == 10_000)
                #expect(configMaps == (try fixture.upstreamList()), "the cache holds what the upstream holds")
                #expect(try await first.process.terminate() == 0)

                var restarts: [(listening: Duration, firstList: Duration)] = []
                var running: RestartFixture.Running?
                while running == nil {
                    fixture.sim.counters.reset()
                    let process = try fixture.spawn()
                    let baseURL = try await process.waitUntilListening()
                    let listening = ContinuousClock.now - process.startedAt
                    let response = try await fixture.client.request("GET", baseURL + "/api/v1/configmaps")
                    let firstList = ContinuousClock.now - process.startedAt
                    restarts.append((listening, firstList))
                    let restored = try RestartFixture.contents(of: response)
                    #expect(restored.source == "cache")
                    #expect(restored == configMaps, "same RV, names and object RVs as before the restart")
                    #expect(try await fixture.list(baseURL + "/api/v1/namespaces") == namespaces)
                    if firstList < .seconds(1) || restarts.count == 5 {
                        running = RestartFixture.Running(process: process, baseURL: baseURL, listeningAfter: listening)
                    } else {
                        #expect(try await process.terminate() == 0)
                    }
                }
                let best = restarts.map(\.firstList).min()!
                #expect(best < .seconds(1), "LIST answered \(best) after the process started, at best")
                let second = try #require(running)

                // Resumed, not relisted: every kind's watch resumes from the snapshot's RV.
                try await fixture.waitUntilSynced(second)
                let rv = try fixture.createConfigMap("ns-7", "after-restart")
                try await waitUntil(timeout: .seconds(20), "the new configmap in kcache's cache") {
                    let response = try await fixture.client.request("GET", second.baseURL + "/api/v1/namespaces/ns-7/configmaps/after-restart")
                    return response.status == 200 && (response.object["metadata"] as? [String: Any])?["resourceVersion"] as? String == rv
                }
                let counts = fixture.sim.counters.snapshot
                #expect(counts.filter { $0.key.verb == "list" }.isEmpty, "no LIST after the restart: \(counts)")
                #expect(fixture.upstreamCount("watch", "configmaps") == 1)
                #expect(fixture.upstreamCount("watch", "namespaces") == 1)

                let loaded = second.process.logs(containing: "loaded snapshot").first ?? [:]
                let timings = restarts.map { "listening \($0.listening), LIST answered \($0.firstList)" }.joined(separator: "; ")
                print("""
                    restart with 10k configmaps: \(timings) (after spawn); last snapshot load \(loaded["duration"] ?? "?") \
                    (\(loaded["objects"] ?? "?") objects); upstream requests after the restart: \(counts)
                    """)
                #expect(try await second.process.terminate() == 0)
            }
        }

        /// A client watching through kcache that reconnects after the restart with its last RV gets
        /// exactly the events it missed: those made while kcache was down, and after.
        @Test func watcherResumesAcrossRestartWithExactlyTheMissedEvents() async throws {
            let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 10, podsPerNamespace: 0, nodes: 0)
            try await RestartFixture.with(seed: seed) { fixture in
                let first = try await fixture.start()
                try await fixture.waitUntilSynced(first)
                let listed = try await fixture.list(first.baseURL + "/api/v1/configmaps")
                let watch = try await fixture.client.watch(first.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(listed.resourceVersion)")
                #expect(watch.status == 200)
                let seen = [
                    ExpectedEvent("MODIFIED", "ns-0/cm-0", try fixture.updateConfigMap("ns-0", "cm-0", data: "1")),
                    ExpectedEvent("ADDED", "ns-0/extra-1", try fixture.createConfigMap("ns-0", "extra-1")),
                    ExpectedEvent("DELETED", "ns-0/cm-1", try fixture.deleteConfigMap("ns-0", "cm-1")),
                ]
                #expect(try await watch.next(3).map(ExpectedEvent.init) == seen)
                let lastSeen = seen.last!.resourceVersion
                #expect(try await first.process.terminate() == 0)
                _ = try await watch.waitForEnd()

                var missed = [
                    ExpectedEvent("MODIFIED", "ns-1/cm-2", try fixture.updateConfigMap("ns-1", "cm-2", data: "2")),
                    ExpectedEvent("ADDED", "ns-1/extra-2", try fixture.createConfigMap("ns-1", "extra-2")),
                    ExpectedEvent("DELETED", "ns-1/cm-3", try fixture.deleteConfigMap("ns-1", "cm-3")),
                ]
                let second = try await fixture.start()
                missed += [
                    ExpectedEvent("MODIFIED", "ns-0/cm-4", try fixture.updateConfigMap("ns-0", "cm-4", data: "3")),
                    ExpectedEvent("ADDED", "ns-0/extra-3", try fixture.createConfigMap("ns-0", "extra-3")),
                ]
                let resumed = try await fixture.client.watch(second.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(lastSeen)")
                #expect(resumed.status == 200)
                #expect(resumed.header("X-Kcache-Source") == "cache")
                let received = try await resumed.next(missed.count, timeout: .seconds(20)).map(ExpectedEvent.init)
                #expect(received == missed)
                // Nothing more than what was missed: the next event is a new write's.
                let marker = ExpectedEvent("ADDED", "ns-1/marker", try fixture.createConfigMap("ns-1", "marker"))
                #expect(try await resumed.next(timeout: .seconds(20)).map(ExpectedEvent.init) == marker)
                #expect(fixture.upstreamCount("list", "configmaps") == 1, "only the first start listed")
                resumed.close()
                #expect(try await second.process.terminate() == 0)
            }
        }
    }
}

/// A watch event reduced to what a resumed watcher must get right.
struct ExpectedEvent: Equatable, CustomStringConvertible {
    var type: String
    /// `namespace/name`.
    var key: String
    var resourceVersion: String

    init(_ type: String, _ key: String, _ resourceVersion: String) {
        self.type = type
        self.key = key
        self.resourceVersion = resourceVersion
    }

    init(_ event: WatchEvent) {
        self.init(event.type, "\(event.namespace ?? "")/\(event.name ?? "")", event.resourceVersion ?? "")
    }

    var description: String { "\(type) \(key)@\(resourceVersion)" }
}
