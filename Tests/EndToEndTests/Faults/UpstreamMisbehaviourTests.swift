import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// The upstream answers, but badly (issue 7, "upstream misbehaving"): `429` with `Retry-After`,
/// `5xx` (as `Status`es and as a load balancer's HTML pages), connections reset mid-stream,
/// malformed JSON lines, a 1.5 MB object, events older than what the cache holds. None may
/// crash kcache or corrupt its cache: after each, the cache equals KubeSim again, object for
/// object, and clients watching through kcache saw every change once, in order.
@Suite("Upstream misbehaving")
struct UpstreamMisbehaviourTests {
    @Test func throttlingWithRetryAfterIsHonouredAndNothingIsLost() async throws {
        try await HardeningFixture.with { fixture in
            let sim = fixture.sim
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: sim.currentResourceVersion.value)
            defer { watch.close() }
            let before = try await fixture.kcache.scrape()

            // The next two upstream watches are answered 429 with Retry-After: 1.
            sim.faults.misbehaviour.answerErrors(.init(code: 429, retryAfterSeconds: 1, verbs: ["watch"], count: 2))
            sim.faults.dropAllWatches()
            let names = ["throttled-0", "throttled-1", "throttled-2"]
            for name in names { try fixture.createInSim("ns-0", name) }
            try await waitUntil(timeout: .seconds(60), "kcache to watch again after two 429s") { sim.openWatchCount == 1 }
            let watchingAgain = ContinuousClock.now
            let throttled = sim.faults.misbehaviour.answered
            #expect(throttled.map(\.code) == [429, 429])
            if throttled.count == 2 {
                #expect(throttled[1].at - throttled[0].at >= .milliseconds(950), "Retry-After honoured between the 429s")
                #expect(watchingAgain - throttled[1].at >= .milliseconds(950), "Retry-After honoured after the second 429")
            }
            let received = try await watch.receive { $0.count >= names.count }
            #expect(received.map(\.type) == ["ADDED", "ADDED", "ADDED"] && received.map(\.key) == names.map { "ns-0/\($0)" }, "\(received)")

            // A relist answered 429 once: retried after Retry-After, then the difference.
            sim.faults.misbehaviour.answerErrors(.init(code: 429, retryAfterSeconds: 1, verbs: ["list"], count: 1))
            try fixture.relistAfter { try fixture.createInSim("ns-1", "after-compaction") }
            let relisted = try await watch.receive { $0.contains { $0.key == "ns-1/after-compaction" } }
            #expect(DownstreamWatch.orderProblems(received + relisted).isEmpty, "\(DownstreamWatch.orderProblems(received + relisted))")
            #expect(sim.faults.misbehaviour.answered.filter { $0.verb == "list" }.count == 1)
            try await fixture.expectCacheEqualsSim()
            let after = try await fixture.kcache.scrape()
            let labels = ["group": "", "resource": "configmaps"]
            #expect(after.value("kcache_upstream_list_watch_errors_total", labels) >= before.value("kcache_upstream_list_watch_errors_total", labels) + 3)
            #expect(after.value("kcache_upstream_relists_total", labels) >= before.value("kcache_upstream_relists_total", labels) + 1)
        }
    }

    @Test func serverErrorsAndErrorPagesAreRetried() async throws {
        try await HardeningFixture.with { fixture in
            let sim = fixture.sim
            let initial = try fixture.simState()
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: sim.currentResourceVersion.value)
            defer { watch.close() }
            let misbehaviour = sim.faults.misbehaviour
            // Relist: a 502 HTML page, then a 500 Status; then the watch: 503 HTML, 504 Status.
            misbehaviour.answerErrors(.init(code: 502, statusBody: false, verbs: ["list"], count: 1))
            misbehaviour.answerErrors(.init(code: 500, verbs: ["list"], count: 1))
            misbehaviour.answerErrors(.init(code: 503, statusBody: false, verbs: ["watch"], count: 1))
            misbehaviour.answerErrors(.init(code: 504, verbs: ["watch"], count: 1))
            try fixture.relistAfter {
                try fixture.createInSim("ns-0", "during-errors")
                _ = try sim.patch(HardeningFixture.configMaps, namespace: "ns-1", name: "cm-1", patch: Array(#"{"data":{"k":"changed"}}"#.utf8))
                try sim.delete(HardeningFixture.configMaps, namespace: "ns-1", name: "cm-2")
            }

            try await waitUntil(timeout: .seconds(60), "kcache to get past the injected errors") {
                misbehaviour.answered.count == 4 && sim.openWatchCount == 1
            }
            #expect(misbehaviour.answered.map(\.code).sorted() == [500, 502, 503, 504])
            let target = try fixture.simState()
            let received = try await watch.receive { DownstreamWatch.apply($0, to: initial) == target }
            #expect(DownstreamWatch.orderProblems(received).isEmpty, "\(DownstreamWatch.orderProblems(received))")
            #expect(received.count == 3, "one event per change: \(received)")
            #expect(try await fixture.get("/livez").status == 200)
            try await fixture.expectCacheEqualsSim()
        }
    }

    @Test func connectionsResetMidStreamLoseNothing() async throws {
        try await HardeningFixture.with { fixture in
            let sim = fixture.sim
            let initial = try fixture.simState()
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: sim.currentResourceVersion.value)
            defer { watch.close() }
            let misbehaviour = sim.faults.misbehaviour
            let watchesBefore = sim.counters.count(verb: "watch", resource: "configmaps")

            // Three upstream watches in a row are reset halfway through their second line.
            misbehaviour.cutWatches(afterWrites: 1, count: 3)
            sim.faults.dropAllWatches()
            var names: [String] = []
            for index in 0..<8 {
                names.append("reset-\(index)")
                try fixture.createInSim("ns-\(index % 2)", "reset-\(index)")
            }
            let received = try await watch.receive { $0.count >= names.count }
            #expect(received.map(\.type) == Array(repeating: "ADDED", count: names.count), "\(received)")
            #expect(received.map { String($0.key.split(separator: "/")[1]) } == names, "every change once, in order: \(received)")
            try await waitUntil(timeout: .seconds(60), "every armed watch cut to happen") { misbehaviour.cuts >= 3 }

            // A relist whose LIST body is reset halfway: retried.
            misbehaviour.cutLists(count: 1)
            try fixture.relistAfter { try fixture.createInSim("ns-0", "after-list-reset") }
            let target = try fixture.simState()
            let more = try await watch.receive { DownstreamWatch.apply(received + $0, to: initial) == target }
            #expect(DownstreamWatch.orderProblems(received + more).isEmpty, "\(DownstreamWatch.orderProblems(received + more))")
            #expect(misbehaviour.cuts == 4)
            #expect(sim.counters.count(verb: "watch", resource: "configmaps") >= watchesBefore + 4, "kcache watched again after each reset")
            #expect(try await fixture.get("/livez").status == 200)
            try await fixture.expectCacheEqualsSim()
        }
    }

    @Test func malformedLinesAreSkippedAndCounted() async throws {
        try await HardeningFixture.with { fixture in
            let sim = fixture.sim
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: sim.currentResourceVersion.value)
            defer { watch.close() }
            let before = try await fixture.kcache.scrape()
            let watchesBefore = sim.counters.count(verb: "watch", resource: "configmaps")
            let garbage: [[UInt8]] = [
                Array(#"{"type":"ADDED","object":{"metadata":"#.utf8),  // cut short
                Array("this is not JSON".utf8),
                Array(#"{"type":"MODIFIED"}"#.utf8),  // no object
                Array(#"{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"no-rv","namespace":"ns-0"}}}"#.utf8),
                Array(#"{"type":"EXPLODED","object":{"metadata":{"name":"x","resourceVersion":"1"}}}"#.utf8),
                [0x7B, 0xFF, 0xFE, 0x00, 0x22, 0x7D],  // not UTF-8
                Array(#"{"type":"ADDED","object":{"metadata":{"name":"bad-rv","namespace":"ns-0","resourceVersion":"twelve"}}}"#.utf8),
            ]
            sim.faults.misbehaviour.injectWatchLines(garbage)
            let rv = try fixture.createInSim("ns-0", "after-garbage")
            let received = try await watch.receive { !$0.isEmpty }
            #expect(received == [DownstreamWatch.Received(
                type: "ADDED", key: "ns-0/after-garbage", uid: received.first?.uid ?? "", resourceVersion: rv)], "\(received)")
            #expect(sim.faults.misbehaviour.pendingInjectedLines == 0)
            let labels = ["group": "", "resource": "configmaps", "reason": "malformed"]
            let after = try await eventually(timeout: .seconds(60), "the malformed lines to be counted") {
                let scrape = try await fixture.kcache.scrape()
                return scrape.value("kcache_upstream_events_ignored_total", labels) >= before.value("kcache_upstream_events_ignored_total", labels) + Double(garbage.count) ? scrape : nil
            }
            #expect(after.value("kcache_upstream_events_ignored_total", labels) == before.value("kcache_upstream_events_ignored_total", labels) + Double(garbage.count))
            #expect(sim.counters.count(verb: "watch", resource: "configmaps") == watchesBefore, "a malformed line does not end the watch")
            let object = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/no-rv")
            #expect(object.status == 404, "nothing of the malformed lines was cached")
            try await fixture.expectCacheEqualsSim()
        }
    }

    @Test func aLargeObjectIsCachedAndServedWhole() async throws {
        try await HardeningFixture.with { fixture in
            let sim = fixture.sim
            let initial = try fixture.simState()
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: sim.currentResourceVersion.value)
            defer { watch.close() }
            let payload = String(repeating: "0123456789abcdef", count: 1_500_000 / 16)
            try fixture.createInSim("ns-0", "large", data: payload)
            // And one written through kcache (under the 3 MiB body limit).
            let written = try await fixture.client.send(
                "POST", fixture.baseURL + "/api/v1/namespaces/ns-1/configmaps",
                json: #"{"metadata":{"name":"large-via-kcache"},"data":{"k":"\#(payload)"}}"#)
            #expect(written.status == 201, "\(written.text.prefix(300))")

            let received = try await watch.receive { $0.count >= 2 }
            #expect(received.map(\.key) == ["ns-0/large", "ns-1/large-via-kcache"])
            for key in ["ns-0/large", "ns-1/large-via-kcache"] {
                let parts = key.split(separator: "/").map(String.init)
                let response = try await fixture.get("/api/v1/namespaces/\(parts[0])/configmaps/\(parts[1])")
                #expect(response.status == 200 && response.header("X-Kcache-Source") == "cache")
                #expect(response.body.count > 1_500_000)
                #expect(((response.object["data"] as? [String: Any])?["k"] as? String) == payload, "\(key) whole")
            }
            // A relist that carries them.
            try fixture.relistAfter {
                _ = try sim.patch(HardeningFixture.configMaps, namespace: "ns-0", name: "large", patch: Array(#"{"data":{"extra":"x"}}"#.utf8))
            }
            let target = try fixture.simState()
            let more = try await watch.receive { DownstreamWatch.apply(received + $0, to: initial) == target }
            #expect(DownstreamWatch.orderProblems(received + more).isEmpty)
            #expect(sim.counters.count(verb: "list", resource: "configmaps") >= 2, "relisted with the large objects")
            #expect(try await fixture.get("/livez").status == 200)
            try await fixture.expectCacheEqualsSim()
        }
    }

    @Test func eventsOlderThanTheCacheAreIgnoredAndCounted() async throws {
        try await HardeningFixture.with { fixture in
            let sim = fixture.sim
            let configMaps = HardeningFixture.configMaps
            // Old states: cm-0 before an update, cm-1 before its deletion.
            let oldState = try sim.get(configMaps, namespace: "ns-0", name: "cm-0")
            _ = try sim.patch(configMaps, namespace: "ns-0", name: "cm-0", patch: Array(#"{"data":{"k":"new"}}"#.utf8))
            let deletedState = try sim.get(configMaps, namespace: "ns-0", name: "cm-1")
            try sim.delete(configMaps, namespace: "ns-0", name: "cm-1")
            let liveState = try sim.get(configMaps, namespace: "ns-0", name: "cm-2")
            try await fixture.expectCacheEqualsSim("the cache to have the updates")
            let watch = try await DownstreamWatch.open(fixture.baseURL, from: sim.currentResourceVersion.value)
            defer { watch.close() }
            let before = try await fixture.kcache.scrape()

            // Replays: an update back to the old state, a resurrection of the deleted object,
            // a deletion of a live object at an old RV.
            func line(_ type: String, _ object: [UInt8]) -> [UInt8] {
                Array(#"{"type":"\#(type)","object":"#.utf8) + object + Array("}".utf8)
            }
            let replays = [line("MODIFIED", oldState), line("ADDED", deletedState), line("DELETED", liveState)]
            sim.faults.misbehaviour.injectWatchLines(replays)
            let rv = try fixture.createInSim("ns-1", "after-replays")
            let received = try await watch.receive { !$0.isEmpty }
            #expect(received.map(\.description) == ["ADDED ns-1/after-replays@\(rv)"], "the replays were not passed on: \(received)")

            let labels = ["group": "", "resource": "configmaps", "reason": "stale"]
            let after = try await eventually(timeout: .seconds(60), "the stale events to be counted") {
                let scrape = try await fixture.kcache.scrape()
                return scrape.value("kcache_upstream_events_ignored_total", labels) >= before.value("kcache_upstream_events_ignored_total", labels) + 3 ? scrape : nil
            }
            #expect(after.value("kcache_upstream_events_ignored_total", labels) == before.value("kcache_upstream_events_ignored_total", labels) + 3)
            let cm0 = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0")
            #expect(((cm0.object["data"] as? [String: Any])?["k"] as? String) == "new", "not rolled back")
            #expect(try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-1").status == 404, "not resurrected")
            #expect(try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-2").status == 200, "not deleted")
            try await fixture.expectCacheEqualsSim()
        }
    }
}
