import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// Fault injection and request counters, from Swift and over `/_sim`.
@Suite struct FaultTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0)
    static let configMaps = "/api/v1/namespaces/ns-0/configmaps"

    @Test func watchEventDelayLagsEventsInOrder() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { stream.close() }
            fixture.sim.faults.watchEventDelay = .milliseconds(400)
            let clock = ContinuousClock()
            let started = clock.now
            try await fixture.createConfigMap("ns-0", "late-0")
            let first = try #require(try await stream.next())
            #expect(clock.now - started >= .milliseconds(400), "delivered no earlier than the delay after the write")
            #expect(first.name == "late-0")
            for index in 1..<4 { try await fixture.createConfigMap("ns-0", "late-\(index)") }
            let events = try await stream.next(3)
            #expect(events.map { $0.name ?? "" } == ["late-1", "late-2", "late-3"], "order is kept")
            fixture.sim.faults.watchEventDelay = .zero
        }
    }

    @Test func dropAllWatchesClosesStreams() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let first = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)")
            let second = try await fixture.watch("/api/v1/pods?watch=true&resourceVersion=\(fixture.resourceVersion)")
            try await waitUntil("both watches registered") { fixture.sim.openWatchCount == 2 }
            let response = try await fixture.send("POST", "/_sim/drop-watches", "{}")
            #expect(response.status == 200)
            #expect(try await first.waitForEnd() == .closed)
            #expect(try await second.waitForEnd() == .closed)
            try await waitUntil("watchers removed") { fixture.sim.openWatchCount == 0 }
        }
    }

    @Test func refusedWatchesAnswer503() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            fixture.sim.faults.refuseWatches = true
            let refused = try await fixture.get("\(Self.configMaps)?watch=true")
            #expect(refused.status == 503)
            #expect(refused.reason == "ServiceUnavailable")
            #expect(try await fixture.get(Self.configMaps).status == 200, "lists still work")
            fixture.sim.faults.refuseWatches = false
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true")
            defer { stream.close() }
            #expect(stream.status == 200)
        }
    }

    @Test func compactExpiresOlderResourceVersions() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let old = fixture.resourceVersion
            try await fixture.createConfigMap("ns-0", "after")
            #expect(try await fixture.send("POST", "/_sim/compact", "{}").status == 200)
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(old)")
            let error = try #require(try await stream.next())
            #expect(error.type == "ERROR")
            #expect(error.object["code"] as? Int == 410)
            let current = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { current.close() }
            try await fixture.createConfigMap("ns-0", "newest")
            #expect(try await current.next()?.name == "newest")
        }
    }

    @Test func downAnswers503ExceptSimEndpoints() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let set = try await fixture.send("POST", "/_sim/faults", #"{"down":true}"#)
            #expect((set.object["down"] as? Bool) == true)
            #expect(fixture.sim.faults.isDown)
            for path in [Self.configMaps, "/api", "/version"] {
                let response = try await fixture.get(path)
                #expect(response.status == 503)
                #expect(response.reason == "ServiceUnavailable")
            }
            #expect(try await fixture.get("/_sim/faults").status == 200)
            #expect(fixture.sim.counters.count(verb: "list", resource: "configmaps") == 1, "requests answered by a fault still count")
            _ = try await fixture.send("POST", "/_sim/faults", #"{"down":false}"#)
            #expect(try await fixture.get(Self.configMaps).status == 200)
        }
    }

    @Test func slowLists() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            _ = try await fixture.send("POST", "/_sim/faults", #"{"listDelayMs":300}"#)
            #expect(fixture.sim.faults.listDelay == .milliseconds(300))
            let clock = ContinuousClock()
            let started = clock.now
            let list = try await fixture.get(Self.configMaps)
            #expect(list.status == 200)
            #expect(clock.now - started >= .milliseconds(300))
            fixture.sim.faults.reset()
            #expect(fixture.sim.faults.listDelay == .zero)
        }
    }

    @Test func countersByVerbAndResource() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            _ = try await fixture.get(Self.configMaps)
            _ = try await fixture.get("/api/v1/configmaps")
            _ = try await fixture.get("\(Self.configMaps)/cm-0")
            _ = try await fixture.get("/apis/apps/v1/deployments")
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true")
            stream.close()
            try await fixture.createConfigMap("ns-0", "counted")
            let counters = fixture.sim.counters
            #expect(counters.count(verb: "list", resource: "configmaps") == 2)
            #expect(counters.count(verb: "get", resource: "configmaps") == 1)
            #expect(counters.count(verb: "watch", resource: "configmaps") == 1)
            #expect(counters.count(verb: "create", resource: "configmaps") == 1)
            #expect(counters.count(verb: "list", resource: "deployments.apps") == 1)
            #expect(counters.count(verb: "list", resource: "deployments") == 1)
            let over = try await fixture.get("/_sim/counters")
            let entries = over.object["counters"] as? [[String: Any]] ?? []
            #expect(entries.contains { $0["verb"] as? String == "list" && $0["resource"] as? String == "configmaps" && $0["count"] as? Int == 2 })
            _ = try await fixture.send("POST", "/_sim/counters/reset", "{}")
            #expect(counters.count(verb: "list", resource: "configmaps") == 0)
        }
    }
}

/// A watcher that stops reading is closed once its queue overflows, not buffered forever.
@Suite struct SlowWatcherTests {
    @Test func stalledWatcherIsClosedOnOverflow() async throws {
        var configuration = SimFixture.fastConfiguration
        configuration.watchQueueLimit = 5
        try await SimFixture.with(configuration: configuration, seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0)) { fixture in
            let stalled = try await fixture.client.stalledWatch(fixture.url("/api/v1/configmaps?watch=true&resourceVersion=\(fixture.resourceVersion)"))
            defer { Task { await stalled.close() } }
            try await waitUntil(timeout: .seconds(30), "the watch to be registered") { fixture.sim.openWatchCount == 1 }
            // Large objects fill the socket buffers (and NIO's) in few writes; written in
            // process to keep each cheap.
            let resource = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
            let payload = String(repeating: "x", count: 400_000)
            var written = 0
            try await waitUntil(timeout: .seconds(120), "the stalled watcher to be closed") {
                try fixture.sim.create(resource, namespace: "ns-0", json: Array(#"{"metadata":{"name":"big-\#(written)"},"data":{"p":"\#(payload)"}}"#.utf8))
                written += 1
                return fixture.sim.openWatchCount == 0
            }
            // Bounded: closed after a bounded number of unread events, and the server still serves.
            #expect(written < 200)
            let fresh = try await fixture.watch("/api/v1/namespaces/ns-0/configmaps?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { fresh.close() }
            try fixture.sim.create(resource, namespace: "ns-0", json: Array(#"{"metadata":{"name":"after"}}"#.utf8))
            #expect(try await fresh.next(timeout: .seconds(30))?.name == "after")
        }
    }
}
