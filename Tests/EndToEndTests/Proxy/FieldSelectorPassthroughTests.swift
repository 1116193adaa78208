import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// A field selector kcache cannot evaluate for a kind goes upstream, which decides: for a
/// custom resource kcache knows only `metadata.name` and `metadata.namespace` (its
/// `selectableFields` are the upstream's business), so `spec.color=red` on widgets is filtered
/// by the upstream, and a field the CRD does not declare is refused by it — not by kcache.
@Suite struct FieldSelectorPassthroughTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0, widgetsPerNamespace: 6, nodes: 0)
    static let widgets = "/apis/example.com/v1/namespaces/ns-0/widgets"

    @Test func unknownFieldOfACustomResourceIsAnsweredUpstream() async throws {
        try await ProxyFixture.with(seed: Self.seed, resources: ["widgets.example.com"]) { fixture in
            let counters = fixture.sim.counters
            let direct = try await fixture.client.request(
                "GET", "\(fixture.sim.baseURL)\(Self.widgets)?fieldSelector=\(TestHTTPClient.encode("spec.color=red"))")
            let listsBefore = counters.count(verb: "list", resource: "widgets")

            // A selectable field of the CRD: the upstream filters.
            let red = try await fixture.get("\(Self.widgets)?fieldSelector=\(TestHTTPClient.encode("spec.color=red"))")
            #expect(red.status == 200)
            #expect(red.header("X-Kcache-Source") == "upstream")
            #expect(red.itemNames == ["widget-0", "widget-3"], "widgets 0 and 3 are red")
            #expect(red.body == direct.body, "kcache passed the upstream's answer through")

            // A field the CRD does not declare: the upstream refuses it, and kcache passes that on.
            let unknown = try await fixture.get("\(Self.widgets)?fieldSelector=\(TestHTTPClient.encode("spec.size=3"))")
            #expect(unknown.status == 400)
            #expect(unknown.header("X-Kcache-Source") == "upstream")
            #expect(unknown.reason == "BadRequest")
            #expect(unknown.message?.contains("spec.size") == true, "\(unknown.text)")

            // A watch with such a selector streams from the upstream too.
            let stream = try await fixture.watch("\(Self.widgets)?watch=true&fieldSelector=\(TestHTTPClient.encode("spec.color!=red"))")
            defer { stream.close() }
            #expect(stream.header("X-Kcache-Source") == "upstream")
            #expect(try await stream.receive(4).map(\.name) == ["widget-1", "widget-2", "widget-4", "widget-5"])

            #expect(counters.count(verb: "list", resource: "widgets") - listsBefore == 2, "both LISTs reached the upstream")

            // Fields kcache does know for every kind are answered from the cache.
            let named = try await fixture.get("\(Self.widgets)?fieldSelector=\(TestHTTPClient.encode("metadata.name=widget-4"))")
            #expect(named.header("X-Kcache-Source") == "cache")
            #expect(named.itemNames == ["widget-4"])
            #expect(counters.count(verb: "list", resource: "widgets") - listsBefore == 2)
        }
    }
}
