import Foundation
import KubeAPI
import KubeCache
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// Cache-on-demand: a kind installed in the upstream after kcache started (a CRD applied while
/// it runs) is found by discovery — by the background refresh, or by the refresh a lookup miss
/// triggers — and cached from its first LIST or WATCH on, with one upstream LIST and one WATCH.
/// A LIST before the first sync goes upstream; a WATCH waits for the sync (up to
/// `onDemandSyncWait`) and otherwise goes upstream too.
@Suite struct OnDemandCachingTests {
    static let gadgets = CustomResourceDefinition(group: "kcache.test", version: "v1", kind: "Gadget", plural: "gadgets")
    static let collection = "/apis/kcache.test/v1/namespaces/ns-0/gadgets"

    /// Installs the Gadget kind in KubeSim and creates `count` gadgets in ns-0.
    static func install(in sim: KubeSim, count: Int = 3) throws {
        sim.addCustomResource(gadgets)
        for index in 0..<count {
            let body: [String: Any] = [
                "apiVersion": "kcache.test/v1", "kind": "Gadget",
                "metadata": ["name": "gadget-\(index)", "labels": ["index": "\(index)"]], "spec": ["size": index],
            ]
            try sim.create(gadgets.resource, namespace: "ns-0", json: ProxyFixture.json(body))
        }
    }

    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 0, nodes: 0)

    /// Refreshes discovery often, so the test can wait for kcache to know the new kind.
    static func frequentDiscovery(_ configuration: inout CachingProxy.Configuration, _: KubeSim) {
        configuration.discoveryInterval = .milliseconds(100)
    }

    /// Waits until kcache's discovery has found the Gadget kind.
    static func waitForDiscovery(_ fixture: ProxyFixture) async throws {
        try await waitUntil(timeout: .seconds(60), "kcache's discovery to find gadgets") {
            fixture.proxy.discovery.resource(for: gadgets.resource) != nil
        }
    }

    @Test func firstWatchStartsTheCacheAndIsServedFromIt() async throws {
        try await ProxyFixture.with(seed: Self.seed, configure: Self.frequentDiscovery) { fixture in
            let sim = fixture.sim
            try Self.install(in: sim)
            try await Self.waitForDiscovery(fixture)
            #expect(fixture.cache(Self.gadgets.resource) == nil, "known, but not cached before anyone asks")

            let stream = try await fixture.watch("\(Self.collection)?watch=true")
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.header("X-Kcache-Source") == "cache", "the watch waited for the new cache's first sync")
            let initial = try await stream.receive(3, "initial events")
            #expect(initial.map { "\($0.type) \($0.name)" } == ["ADDED gadget-0", "ADDED gadget-1", "ADDED gadget-2"])

            for _ in 0..<3 {
                let list = try await fixture.get(Self.collection)
                #expect(list.status == 200)
                #expect(list.header("X-Kcache-Source") == "cache")
                #expect(list.itemNames == ["gadget-0", "gadget-1", "gadget-2"])
                #expect(list.object["kind"] as? String == "GadgetList")
            }
            let one = try await fixture.get("\(Self.collection)/gadget-1")
            #expect(one.header("X-Kcache-Source") == "cache")
            #expect(one.object["kind"] as? String == "Gadget")

            // The cache follows the upstream.
            let written = try ProxyFixture.resourceVersion(of: try sim.create(
                Self.gadgets.resource, namespace: "ns-0",
                json: ProxyFixture.json(["apiVersion": "kcache.test/v1", "kind": "Gadget", "metadata": ["name": "gadget-9"]])))
            let added = ParsedEvent(try #require(try await stream.next(timeout: .seconds(60))))
            #expect("\(added.type) \(added.name)@\(added.resourceVersion)" == "ADDED gadget-9@\(written)")

            #expect(sim.counters.count(verb: "list", resource: "gadgets") == 1, "one LIST: the reflector's")
            #expect(sim.counters.count(verb: "watch", resource: "gadgets") == 1, "one WATCH: the reflector's")
            #expect(sim.counters.count(verb: "get", resource: "gadgets") == 0)
        }
    }

    /// Informers list at resourceVersion=0: such a LIST of a kind kcache knows but has not
    /// synced yet starts the cache, waits for the sync and is answered from it, while the upstream
    /// is listed once; a LIST of the most recent state meanwhile goes upstream at once.
    @Test func informerListsWaitForTheFirstSync() async throws {
        try await ProxyFixture.with(seed: Self.seed, configure: Self.frequentDiscovery) { fixture in
            let sim = fixture.sim
            try Self.install(in: sim)
            try await Self.waitForDiscovery(fixture)
            sim.faults.listDelay = .seconds(2)  // the sync outlasts the checks below
            async let informerLists = withThrowingTaskGroup(of: TestHTTPResponse.self) { group in
                for _ in 0..<5 { group.addTask { try await fixture.get("\(Self.collection)?resourceVersion=0") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await waitUntil(timeout: .seconds(60), "the gadgets cache to start") { fixture.cache(Self.gadgets.resource) != nil }
            let mostRecent = try await fixture.get(Self.collection)
            #expect(mostRecent.header("X-Kcache-Source") == "upstream", "not synced yet: the most recent state is the upstream's")
            #expect(mostRecent.itemNames == ["gadget-0", "gadget-1", "gadget-2"])
            for list in try await informerLists {
                #expect(list.status == 200)
                #expect(list.header("X-Kcache-Source") == "cache", "waited for the first sync")
                #expect(list.itemNames == ["gadget-0", "gadget-1", "gadget-2"])
            }
            #expect(sim.counters.count(verb: "list", resource: "gadgets") == 2, "the reflector's LIST and the most recent one")
        }
    }

    /// With discovery refreshed only on lookup misses (at most one refresh every 2 s) and every
    /// minute, the LISTs that come before kcache knows the kind are passed through; the first
    /// one after it knows starts the cache (and is passed through too: nothing is synced yet).
    @Test func firstListsGoUpstreamThenTheCacheAnswers() async throws {
        try await ProxyFixture.with(seed: Self.seed) { fixture in
            let sim = fixture.sim
            try Self.install(in: sim)
            var answeredUpstream = 0
            var first: TestHTTPResponse?
            try await waitUntil(timeout: .seconds(60), pollInterval: .milliseconds(50), "a LIST to start caching gadgets") {
                let list = try await fixture.get(Self.collection)
                #expect(list.status == 200)
                #expect(list.header("X-Kcache-Source") == "upstream", "no cache has synced yet")
                #expect(list.itemNames == ["gadget-0", "gadget-1", "gadget-2"])
                if list.header("X-Kcache-Source") == "upstream" { answeredUpstream += 1 }
                first = first ?? list
                return fixture.cache(Self.gadgets.resource) != nil
            }
            let cache = try #require(fixture.cache(Self.gadgets.resource))
            try await waitUntil(timeout: .seconds(60), "the gadgets cache to sync") { cache.readiness == .synced }
            for _ in 0..<3 {
                let list = try await fixture.get(Self.collection)
                #expect(list.header("X-Kcache-Source") == "cache")
                #expect(list.itemNames == ["gadget-0", "gadget-1", "gadget-2"])
                #expect(list.items.map { $0["spec"] as? [String: Int] ?? [:] } == first?.items.map { $0["spec"] as? [String: Int] ?? [:] })
            }
            #expect(sim.counters.count(verb: "list", resource: "gadgets") == answeredUpstream + 1,
                    "the \(answeredUpstream) LISTs passed through, then the reflector's; none after")
            #expect(sim.counters.count(verb: "watch", resource: "gadgets") == 1)
        }
    }

    /// A slow upstream LIST: the first WATCH of a new kind waits for the sync only so long,
    /// then is served by the upstream — and still works.
    @Test func firstWatchGoesUpstreamWhenTheSyncIsSlow() async throws {
        try await ProxyFixture.with(seed: Self.seed, configure: { configuration, sim in
            Self.frequentDiscovery(&configuration, sim)
            configuration.router.onDemandSyncWait = .milliseconds(200)
        }) { fixture in
            let sim = fixture.sim
            try Self.install(in: sim)
            try await Self.waitForDiscovery(fixture)
            sim.faults.listDelay = .seconds(2)
            let stream = try await fixture.watch("\(Self.collection)?watch=true")
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.header("X-Kcache-Source") == "upstream", "the sync did not finish within 200 ms")
            let initial = try await stream.receive(3, "initial events from the upstream")
            #expect(initial.map { "\($0.type) \($0.name)" } == ["ADDED gadget-0", "ADDED gadget-1", "ADDED gadget-2"])

            let cache = try #require(fixture.cache(Self.gadgets.resource))
            try await waitUntil(timeout: .seconds(60), "the gadgets cache to sync despite the slow LIST") { cache.readiness == .synced }
            let cached = try await fixture.watch("\(Self.collection)?watch=true")
            defer { cached.close() }
            #expect(cached.header("X-Kcache-Source") == "cache")
            #expect(try await cached.receive(3, "initial events from the cache").map(\.name) == ["gadget-0", "gadget-1", "gadget-2"])
        }
    }
}
