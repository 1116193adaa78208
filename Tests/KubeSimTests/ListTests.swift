import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// LIST: envelopes, storage-key order, selectors and the resourceVersion rules.
@Suite struct ListTests {
    @Test func listEnvelopeOfABuiltInKindOmitsItemTypeMeta() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0)) { fixture in
            let response = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text.hasPrefix(#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":""#))
            #expect(response.itemNames == ["cm-0", "cm-1"])
            for item in response.items {
                #expect(item["kind"] == nil)
                #expect(item["apiVersion"] == nil)
            }
            #expect(response.resourceVersion == fixture.resourceVersion)
            #expect(response.metadata["continue"] == nil)
            #expect(response.metadata["remainingItemCount"] == nil)
        }
    }

    @Test func itemsAreInStorageKeyOrder() async throws {
        try await SimFixture.with { fixture in
            for namespace in ["a", "a-b", "b"] { try await fixture.createNamespace(namespace) }
            try await fixture.createConfigMap("a", "x")
            try await fixture.createConfigMap("a-b", "x")
            try await fixture.createConfigMap("b", "x")
            try await fixture.createConfigMap("a", "w")
            let response = try await fixture.get("/api/v1/configmaps")
            #expect(response.itemKeys == ["a-b/x", "a/w", "a/x", "b/x"])
        }
    }
}
