import Foundation
import KubeSim
import KubeTestSupport
import Testing

extension SnapshotProcessTests {
    /// Restarts where the upstream is not simply there and unchanged: down at start, compacted
    /// while kcache was away, or the snapshot too old to stand in for "most recent" (issue 5).
    @Suite struct RestartUpstreamTests {
        static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 10, podsPerNamespace: 0, nodes: 0)

        /// Started while the upstream is down: reads come from the snapshot with a `Warning` that
        /// says how old it is, writes fail at once with a 503 `Status`; when the upstream returns,
        /// what changed meanwhile reaches the cache and the watchers opened before.
        @Test func restartWhileUpstreamIsDown() async throws {
            try await RestartFixture.with(seed: Self.seed) { fixture in
                let before = try await fixture.warmUp()
                let stoppedAt = Date()
                fixture.sim.faults.isDown = true
                fixture.sim.counters.reset()
                // Changes kcache cannot see yet (made through the object API, not over HTTP).
                let changes = [
                    ExpectedEvent("MODIFIED", "ns-0/cm-0", try fixture.updateConfigMap("ns-0", "cm-0", data: "while-down")),
                    ExpectedEvent("ADDED", "ns-1/made-while-down", try fixture.createConfigMap("ns-1", "made-while-down")),
                    ExpectedEvent("DELETED", "ns-1/cm-5", try fixture.deleteConfigMap("ns-1", "cm-5")),
                ]

                let running = try await fixture.start()
                let list = try await fixture.list(running.baseURL + "/api/v1/configmaps")
                #expect(list == before, "the snapshot's state, not the upstream's")
                #expect(list.source == "cache")
                let warning = try #require(list.warning, "restored data carries a Warning")
                #expect(warning.hasPrefix("299 - \"kcache: restored from a snapshot saved "))
                let age = try #require(Self.ageSeconds(in: warning), "an age in \(warning)")
                #expect(age <= Int(Date().timeIntervalSince(stoppedAt).rounded(.up)) + 1, "\(warning)")
                let get = try await fixture.client.request("GET", running.baseURL + "/api/v1/namespaces/ns-0/configmaps/cm-0")
                #expect(get.status == 200 && get.header("X-Kcache-Source") == "cache" && get.header("Warning") != nil)

                let writeStart = ContinuousClock.now
                let write = try await fixture.client.send(
                    "POST", running.baseURL + "/api/v1/namespaces/ns-0/configmaps",
                    json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"rejected"}}"#)
                let writeTook = ContinuousClock.now - writeStart
                #expect(write.status == 503)
                #expect(write.object["kind"] as? String == "Status" && write.object["reason"] as? String == "ServiceUnavailable")
                #expect(writeTook < .seconds(1), "the write failed after \(writeTook)")

                let watch = try await fixture.client.watch(running.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(before.resourceVersion)")
                #expect(watch.status == 200 && watch.header("X-Kcache-Source") == "cache")
                try await waitUntil(timeout: .seconds(20), "kcache to try the upstream watch") {
                    fixture.upstreamCount("watch", "configmaps") >= 1
                }
                #expect(try await fixture.cacheStates(running.baseURL)["configmaps"] == "restored")

                fixture.sim.faults.isDown = false
                #expect(try await watch.next(changes.count, timeout: .seconds(30)).map(ExpectedEvent.init) == changes)
                let upstream = try fixture.upstreamList()
                try await waitUntil(timeout: .seconds(10), "kcache's LIST to match the upstream's") {
                    let now = try await fixture.list(running.baseURL + "/api/v1/configmaps")
                    return now.items == upstream.items && now.warning == nil && now.source == "cache"
                }
                #expect(fixture.upstreamCount("list", "configmaps") == 0, "resumed from the saved RV, no relist")
                print("restart while the upstream is down: Warning \(warning); write answered 503 in \(writeTook)")
                watch.close()
                #expect(try await running.process.terminate() == 0)
            }
        }

        /// The upstream compacted its history while kcache was away: the resumed watch is Expired,
        /// kcache relists once, and a watcher opened before the relist gets the difference as
        /// ordinary events instead of a 410.
        @Test func restartAfterUpstreamCompaction() async throws {
            try await RestartFixture.with(seed: Self.seed) { fixture in
                let before = try await fixture.warmUp()
                let modified = try fixture.updateConfigMap("ns-0", "cm-2", data: "compacted")
                let added = try fixture.createConfigMap("ns-1", "made-while-away")
                try fixture.deleteConfigMap("ns-0", "cm-7")
                fixture.sim.faults.compactHistory()
                // Watches are refused until the downstream watcher is open, so it surely is open
                // before the relist.
                fixture.sim.faults.refuseWatches = true
                fixture.sim.counters.reset()

                let running = try await fixture.start()
                let watch = try await fixture.client.watch(running.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(before.resourceVersion)")
                #expect(watch.status == 200 && watch.header("X-Kcache-Source") == "cache")
                try await waitUntil(timeout: .seconds(20), "kcache to try the upstream watch") {
                    fixture.upstreamCount("watch", "configmaps") >= 1
                }
                #expect(fixture.upstreamCount("list", "configmaps") == 0)
                // A slow relist, so that reads made meanwhile can be looked at.
                fixture.sim.faults.listDelay = .seconds(2)
                fixture.sim.faults.refuseWatches = false
                try await running.process.waitForLog("relisting")
                let duringRelist = try await fixture.list(running.baseURL + "/api/v1/configmaps")
                #expect(duringRelist == before && duringRelist.source == "cache", "still the restored state")
                #expect(duringRelist.warning != nil, "restored data served before the resync carries a Warning")

                let events = try await watch.next(3, timeout: .seconds(30)).map(ExpectedEvent.init)
                #expect(Set(events.map { "\($0.type) \($0.key)" }) == ["MODIFIED ns-0/cm-2", "ADDED ns-1/made-while-away", "DELETED ns-0/cm-7"])
                #expect(events.first { $0.key == "ns-0/cm-2" }?.resourceVersion == modified)
                #expect(events.first { $0.key == "ns-1/made-while-away" }?.resourceVersion == added)
                #expect(events.map { UInt64($0.resourceVersion) ?? 0 } == events.map { UInt64($0.resourceVersion) ?? 0 }.sorted(), "in RV order")
                try await fixture.waitUntilSynced(running)
                let upstream = try fixture.upstreamList()
                #expect(try await fixture.list(running.baseURL + "/api/v1/configmaps").items == upstream.items)
                #expect(fixture.upstreamCount("list", "configmaps") == 1, "one relist")
                #expect(!running.process.logs(containing: "relisting").isEmpty)
                #expect(watch.endReason == nil, "the watcher stays open")
                watch.close()
                #expect(try await running.process.terminate() == 0)
            }
        }

        /// Restored data older than `--snapshot-max-age` does not answer reads without an RV until
        /// the resource has resynced: they go upstream (503 while it is down); reads naming an RV
        /// are still served from it.
        @Test func snapshotOlderThanMaxAgeIsNotServedAsMostRecent() async throws {
            try await RestartFixture.with(seed: Self.seed) { fixture in
                let before = try await fixture.warmUp()
                // Reachable, but no watch: the restored data cannot resync.
                fixture.sim.faults.refuseWatches = true
                let changed = try fixture.updateConfigMap("ns-0", "cm-0", data: "newer")
                let running = try await fixture.start(["--snapshot-max-age", "1s"])
                let url = running.baseURL + "/api/v1/configmaps"
                // Until the data is a second old it is served, with its age; then it is not.
                try await waitUntil(timeout: .seconds(15), "restored data to pass --snapshot-max-age") {
                    let response = try await fixture.client.request("GET", url)
                    if response.header("X-Kcache-Source") == "cache" {
                        #expect(response.header("Warning")?.contains("restored from a snapshot saved") == true)
                        return false
                    }
                    return true
                }
                let mostRecent = try await fixture.list(url)
                #expect(mostRecent.source == "upstream")
                #expect(mostRecent.items["ns-0/cm-0"] == changed, "the upstream's answer, with the change")
                let get = try await fixture.client.request("GET", running.baseURL + "/api/v1/namespaces/ns-0/configmaps/cm-0")
                #expect(get.header("X-Kcache-Source") == "upstream")
                let any = try await fixture.list(url + "?resourceVersion=0")
                #expect(any.source == "cache" && any == before, "a read naming an RV is served from the snapshot")
                #expect(any.warning?.contains("restored from a snapshot saved") == true)

                fixture.sim.faults.isDown = true
                let down = try await fixture.client.request("GET", url)
                #expect(down.status == 503 && down.object["reason"] as? String == "ServiceUnavailable")

                fixture.sim.faults.reset()
                try await fixture.waitUntilSynced(running)
                let resynced = try await fixture.list(url)
                #expect(resynced.source == "cache" && resynced.warning == nil)
                #expect(resynced.items["ns-0/cm-0"] == changed)
                #expect(try await running.process.terminate() == 0)
            }
        }

        /// The N of `… saved Ns ago …`.
        static func ageSeconds(in warning: String) -> Int? {
            guard let range = warning.range(of: "saved ") else { return nil }
            let digits = warning[range.upperBound...].prefix { $0.isNumber }
            guard warning[range.upperBound...].dropFirst(digits.count).hasPrefix("s ago") else { return nil }
            return Int(digits)
        }
    }
}
