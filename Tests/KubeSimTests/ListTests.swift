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

/// LIST resourceVersion semantics, paging and selectors.
@Suite struct ListSemanticsTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 5, podsPerNamespace: 4)

    @Test func labelAndFieldSelectors() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let tier = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?labelSelector=tier%3Dfrontend")
            #expect(tier.itemNames == ["cm-0", "cm-3"])
            let notIn = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?labelSelector=" + TestHTTPClient.encode("tier notin (frontend,backend)"))
            #expect(notIn.itemNames == ["cm-2"])
            let greater = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?labelSelector=" + TestHTTPClient.encode("index>2,!missing"))
            #expect(greater.itemNames == ["cm-3", "cm-4"])
            let byName = try await fixture.get("/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-1")
            #expect(byName.itemKeys == ["ns-0/cm-1", "ns-1/cm-1"])
            let byNamespace = try await fixture.get("/api/v1/configmaps?fieldSelector=metadata.namespace!%3Dns-0")
            #expect(byNamespace.itemKeys.allSatisfy { $0.hasPrefix("ns-1/") })
            #expect(byNamespace.items.count == 5)
            // pod-3 is unscheduled in every namespace (index 9 mod 10 is unscheduled; with 4 pods none is),
            // so use nodeName equality and the "" query of the scheduler.
            let onNode = try await fixture.get("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1")
            #expect(onNode.itemNames == ["pod-1", "pod-1"])
            let unscheduled = try await fixture.get("/api/v1/pods?fieldSelector=spec.nodeName%3D")
            #expect(unscheduled.items.isEmpty)
            let alias = try await fixture.get("/api/v1/pods?fieldSelector=spec.host%3Dnode-1")
            #expect(alias.itemNames == ["pod-1", "pod-1"])
        }
    }

    @Test func selectorErrorsAreBadRequests() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let unsupported = try await fixture.get("/api/v1/configmaps?fieldSelector=data.k%3Dv")
            #expect(unsupported.status == 400)
            #expect(unsupported.reason == "BadRequest")
            #expect(unsupported.message == #""data.k" is not a known field selector: only "metadata.name", "metadata.namespace""#)
            let podField = try await fixture.get("/api/v1/pods?fieldSelector=spec.bogus%3Dx")
            #expect(podField.status == 400)
            #expect(podField.message == "field label not supported: spec.bogus")
            let malformed = try await fixture.get("/api/v1/configmaps?labelSelector=" + TestHTTPClient.encode("a in (b"))
            #expect(malformed.status == 400)
            #expect(malformed.reason == "BadRequest")
        }
    }

    @Test func resourceVersionRules() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let current = fixture.resourceVersion
            let unset = try await fixture.get("/api/v1/configmaps")
            #expect(unset.resourceVersion == current)
            let any = try await fixture.get("/api/v1/configmaps?resourceVersion=0&limit=2")
            #expect(any.items.count == 10, "RV=0 ignores limit")
            let notOlder = try await fixture.get("/api/v1/configmaps?resourceVersion=1")
            #expect(notOlder.resourceVersion == current)
            #expect(notOlder.items.count == 10)

            let clock = ContinuousClock()
            let started = clock.now
            let tooLarge = try await fixture.get("/api/v1/configmaps?resourceVersion=\(Int(current)! + 100)")
            #expect(clock.now - started >= .milliseconds(250), "waits before answering 504")
            #expect(tooLarge.status == 504)
            #expect(tooLarge.reason == "Timeout")
            #expect(tooLarge.header("Retry-After") == "1")
            let causes = (tooLarge.object["details"] as? [String: Any])?["causes"] as? [[String: Any]]
            #expect(causes?.first?["reason"] as? String == "ResourceVersionTooLarge")

            let invalid = try await fixture.get("/api/v1/configmaps?resourceVersion=abc")
            #expect(invalid.status == 400)
            let matchWithoutRV = try await fixture.get("/api/v1/configmaps?resourceVersionMatch=Exact")
            #expect(matchWithoutRV.status == 422)
            #expect(matchWithoutRV.message?.hasPrefix(#"ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden"#) == true)
            let exactZero = try await fixture.get("/api/v1/configmaps?resourceVersion=0&resourceVersionMatch=Exact")
            #expect(exactZero.status == 422)
            let unknownMatch = try await fixture.get("/api/v1/configmaps?resourceVersion=1&resourceVersionMatch=Newest")
            #expect(unknownMatch.status == 422)
            let initialOnList = try await fixture.get("/api/v1/configmaps?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=0")
            #expect(initialOnList.status == 422)
            let token = ContinueTokenForTest.make(rv: 1, start: "ns-0/cm-0\u{0}")
            let continueWithRV = try await fixture.get("/api/v1/configmaps?continue=\(token)&resourceVersion=5")
            #expect(continueWithRV.status == 400)
        }
    }

    @Test func waitsForAResourceVersionThatArrives() async throws {
        var configuration = SimFixture.fastConfiguration
        configuration.resourceVersionWaitTimeout = .seconds(60)
        try await SimFixture.with(configuration: configuration, seed: Self.seed) { fixture in
            let target = Int(fixture.resourceVersion)! + 1
            async let answer = fixture.get("/api/v1/configmaps?resourceVersion=\(target)")
            try await waitUntil(timeout: .seconds(30), "the LIST to be waiting") { fixture.sim.counters.count(verb: "list", resource: "configmaps") == 1 }
            try await fixture.createConfigMap("ns-0", "late")
            let response = try await answer
            #expect(response.status == 200)
            #expect(response.resourceVersion == String(target))
            #expect(response.itemKeys.contains("ns-0/late"))
        }
    }

    @Test func exactReadsThePast() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let before = fixture.resourceVersion
            try await fixture.createConfigMap("ns-0", "newer")
            _ = try await fixture.delete("/api/v1/namespaces/ns-0/configmaps/cm-0")
            let exact = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?resourceVersion=\(before)&resourceVersionMatch=Exact")
            #expect(exact.status == 200)
            #expect(exact.resourceVersion == before)
            #expect(exact.itemNames == ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"])
            let withLimit = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?resourceVersion=\(before)&limit=100")
            #expect(withLimit.itemNames == exact.itemNames)
            let now = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(now.itemNames == ["cm-1", "cm-2", "cm-3", "cm-4", "newer"])

            fixture.sim.faults.compactHistory()
            let expired = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?resourceVersion=\(before)&resourceVersionMatch=Exact")
            #expect(expired.status == 410)
            #expect(expired.reason == "Expired")
            #expect(expired.message == "too old resource version: \(before) (\(fixture.resourceVersion))")
        }
    }

    @Test func pagesComeFromOneSnapshotWhileWritesHappen() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let first = try await fixture.get("/api/v1/configmaps?limit=4")
            #expect(first.itemKeys == ["ns-0/cm-0", "ns-0/cm-1", "ns-0/cm-2", "ns-0/cm-3"])
            #expect(first.metadata["remainingItemCount"] as? Int == 6)
            let token = try #require(first.metadata["continue"] as? String)
            let snapshot = try #require(first.resourceVersion)
            // Writes between pages: none of them may show up in later pages.
            _ = try await fixture.delete("/api/v1/namespaces/ns-1/configmaps/cm-4")
            try await fixture.createConfigMap("ns-0", "cm-9")
            _ = try await fixture.send("PATCH", "/api/v1/namespaces/ns-1/configmaps/cm-0", #"{"data":{"k":"changed"}}"#,
                                       contentType: "application/merge-patch+json")
            var keys = first.itemKeys
            var next: String? = token
            while let continueToken = next {
                let page = try await fixture.get("/api/v1/configmaps?limit=4&continue=\(continueToken)")
                #expect(page.status == 200)
                #expect(page.resourceVersion == snapshot)
                keys += page.itemKeys
                next = page.metadata["continue"] as? String
                if next == nil { #expect(page.metadata["remainingItemCount"] == nil) }
                if page.itemKeys.contains("ns-1/cm-0") {
                    let item = page.items.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "cm-0" && ($0["metadata"] as? [String: Any])?["namespace"] as? String == "ns-1" }
                    #expect((item?["data"] as? [String: String])?["k"] == nil, "the patch came after the snapshot")
                    #expect((item?["data"] as? [String: String])?["feature"] == "enabled")
                }
            }
            #expect(keys == (0..<2).flatMap { ns in (0..<5).map { "ns-\(ns)/cm-\($0)" } })
        }
    }

    @Test func remainingItemCountIsOmittedWithASelector() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let page = try await fixture.get("/api/v1/configmaps?limit=2&labelSelector=index")
            #expect(page.items.count == 2)
            #expect(page.metadata["continue"] is String)
            #expect(page.metadata["remainingItemCount"] == nil)
        }
    }

    @Test func continueTokenInTheAPIServerFormat() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let cluster = try await fixture.get("/api/v1/configmaps?limit=1")
            let decoded = try #require(ContinueTokenForTest.decode(cluster.metadata["continue"] as? String ?? ""))
            #expect(decoded["v"] as? String == "meta.k8s.io/v1")
            #expect(decoded["rv"] as? Int == Int(cluster.resourceVersion ?? ""))
            #expect(decoded["start"] as? String == "ns-0/cm-0\u{0}")
            let namespaced = try await fixture.get("/api/v1/namespaces/ns-1/configmaps?limit=1")
            let inNamespace = try #require(ContinueTokenForTest.decode(namespaced.metadata["continue"] as? String ?? ""))
            #expect(inNamespace["start"] as? String == "cm-0\u{0}")
            let second = try await fixture.get("/api/v1/namespaces/ns-1/configmaps?limit=1&continue=\(namespaced.metadata["continue"] as? String ?? "")")
            #expect(second.itemKeys == ["ns-1/cm-1"])
        }
    }

    @Test func tooOldContinueTokenIsExpired() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let first = try await fixture.get("/api/v1/configmaps?limit=3")
            let token = try #require(first.metadata["continue"] as? String)
            try await fixture.createConfigMap("ns-0", "zz-after")
            fixture.sim.faults.compactHistory()
            let next = try await fixture.get("/api/v1/configmaps?limit=3&continue=\(token)")
            #expect(next.status == 410)
            #expect(next.reason == "Expired")
            #expect(next.message?.hasPrefix("The provided continue parameter is too old") == true)
            // The 410 carries an "inconsistent" token (rv -1) that finishes the list from now.
            let inconsistent = try #require(next.metadata["continue"] as? String)
            #expect(ContinueTokenForTest.decode(inconsistent)?["rv"] as? Int == -1)
            let rest = try await fixture.get("/api/v1/configmaps?limit=100&continue=\(inconsistent)")
            #expect(rest.status == 200)
            #expect(rest.itemKeys.first == "ns-0/cm-3")
            #expect(rest.itemKeys.contains("ns-0/zz-after"))
        }
    }

    @Test func customResourceListKeepsKindAndSortsKeys() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0, widgetsPerNamespace: 2)) { fixture in
            let list = try await fixture.get("/apis/example.com/v1/namespaces/ns-0/widgets")
            #expect(list.text.hasPrefix(#"{"apiVersion":"example.com/v1","items":[{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"#))
            #expect(list.text.hasSuffix(#""kind":"WidgetList","metadata":{"continue":"","resourceVersion":"\#(fixture.resourceVersion)"}}"#))
            #expect(list.itemNames == ["widget-0", "widget-1"])
            let red = try await fixture.get("/apis/example.com/v1/widgets?fieldSelector=spec.color%3Dgreen")
            #expect(red.itemNames == ["widget-1"])
        }
    }
}

/// Builds and reads continue tokens the way the API server writes them (base64url JSON).
enum ContinueTokenForTest {
    static func make(rv: Int, start: String) -> String {
        let json = try! JSONSerialization.data(withJSONObject: ["v": "meta.k8s.io/v1", "rv": rv, "start": start])
        return json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> [String: Any]? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
