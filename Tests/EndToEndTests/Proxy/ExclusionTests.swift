import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// `--exclude`: kinds kcache never caches, whatever asks for them — by default secrets and
/// events (kcache should not hold every secret of the cluster in memory). Every GET, LIST and
/// WATCH of them goes to the upstream, one upstream request per client request.
@Suite struct ExclusionTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0, nodes: 0)

    static func createSecrets(in sim: KubeSim) throws {
        for name in ["s-0", "s-1"] {
            try sim.create(ProxyFixture.secrets, namespace: "ns-0", json: ProxyFixture.json([
                "metadata": ["name": name], "type": "Opaque", "data": ["password": "aHVudGVyMg=="],
            ]))
        }
    }

    /// Sends a GET, two LISTs and a WATCH of `collection` through kcache, twice, and checks each
    /// was answered upstream and reached KubeSim.
    static func expectEveryReadUpstream(
        _ fixture: ProxyFixture, collection: String, resource: String, names: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let counters = fixture.sim.counters
        let before = (get: counters.count(verb: "get", resource: resource), list: counters.count(verb: "list", resource: resource),
                      watch: counters.count(verb: "watch", resource: resource))
        for round in 1...2 {
            let one = try await fixture.get("\(collection)/\(names[0])")
            #expect(one.status == 200, sourceLocation: sourceLocation)
            #expect(one.header("X-Kcache-Source") == "upstream", "GET", sourceLocation: sourceLocation)
            for query in ["", "?resourceVersion=0"] {
                let list = try await fixture.get(collection + query)
                #expect(list.itemNames == names, sourceLocation: sourceLocation)
                #expect(list.header("X-Kcache-Source") == "upstream", "LIST\(query)", sourceLocation: sourceLocation)
            }
            let stream = try await fixture.watch("\(collection)?watch=true")
            #expect(stream.header("X-Kcache-Source") == "upstream", "WATCH", sourceLocation: sourceLocation)
            #expect(try await stream.receive(names.count).map(\.name) == names, sourceLocation: sourceLocation)
            stream.close()
            #expect(counters.count(verb: "get", resource: resource) - before.get == round, "GETs upstream", sourceLocation: sourceLocation)
            #expect(counters.count(verb: "list", resource: resource) - before.list == 2 * round, "LISTs upstream", sourceLocation: sourceLocation)
            #expect(counters.count(verb: "watch", resource: resource) - before.watch == round, "WATCHes upstream", sourceLocation: sourceLocation)
        }
    }

    @Test func secretsAreNeverCachedByDefault() async throws {
        try await ProxyFixture.with(seed: Self.seed, prepare: Self.createSecrets) { fixture in
            try await Self.expectEveryReadUpstream(
                fixture, collection: "/api/v1/namespaces/ns-0/secrets", resource: "secrets", names: ["s-0", "s-1"])
            #expect(fixture.cache(ProxyFixture.secrets) == nil, "no cache was started for secrets")
            let events = try await fixture.get("/api/v1/events")
            #expect(events.header("X-Kcache-Source") == "upstream", "events are excluded by default too")
            // An other kind, not excluded, is cached on demand as usual.
            let configMaps = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(configMaps.header("X-Kcache-Source") == "cache")
        }
    }

    @Test func customExcludeListReplacesTheDefault() async throws {
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0, widgetsPerNamespace: 2, nodes: 0)
        try await ProxyFixture.with(seed: seed, resources: [], prepare: Self.createSecrets, configure: { configuration, _ in
            configuration.registry.exclude = ["configmaps", "widgets.example.com"]  // --exclude configmaps,widgets.example.com
        }) { fixture in
            try await Self.expectEveryReadUpstream(
                fixture, collection: "/api/v1/namespaces/ns-0/configmaps", resource: "configmaps", names: ["cm-0", "cm-1"])
            try await Self.expectEveryReadUpstream(
                fixture, collection: "/apis/example.com/v1/namespaces/ns-0/widgets", resource: "widgets",
                names: ["widget-0", "widget-1"])
            #expect(fixture.cache(ProxyFixture.configMaps) == nil)
            #expect(fixture.cache(ProxyFixture.widgets) == nil)

            // Secrets are no longer excluded: cached on demand like any other kind.
            let first = try await fixture.get("/api/v1/namespaces/ns-0/secrets")
            #expect(first.itemNames == ["s-0", "s-1"])
            let cache = try #require(fixture.cache(ProxyFixture.secrets), "the LIST started caching secrets")
            try await waitUntil(timeout: .seconds(60), "the secrets cache to sync") { cache.readiness == .synced }
            let cached = try await fixture.get("/api/v1/namespaces/ns-0/secrets")
            #expect(cached.header("X-Kcache-Source") == "cache")
            #expect(cached.itemNames == ["s-0", "s-1"])
        }
    }
}
