import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// LIST with `limit`/`continue`: every page from one state, the API server's token format,
/// `remainingItemCount`, and 410 for a token whose state is gone.
@Suite struct ListPagingTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 5, podsPerNamespace: 0)
    static let allKeys = (0..<2).flatMap { ns in (0..<5).map { "ns-\(ns)/cm-\($0)" } }

    @Test(arguments: ConformanceTarget.allCases)
    func pagesComeFromOneStateWhileWritesHappen(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let first = try await fixture.get("/api/v1/configmaps?limit=4")
            #expect(first.status == 200)
            fixture.expectFromCache(first, "first page")
            #expect(first.itemKeys == Array(Self.allKeys.prefix(4)))
            let snapshot = try #require(first.resourceVersion)
            var next = first.continueToken
            try #require(next != nil)

            // Writes between pages, each where a later page would see it.
            try await fixture.deleteConfigMap("ns-1", "cm-4")
            try await fixture.createConfigMap("ns-0", "cm-9")
            try await fixture.patchConfigMap("ns-1", "cm-0", #"{"data":{"k":"changed"}}"#)

            var keys = first.itemKeys
            var pages = 1
            while let token = next {
                let page = try await fixture.get("/api/v1/configmaps?limit=4&continue=\(token)")
                pages += 1
                try #require(page.status == 200, "\(page.text)")
                fixture.expectFromCache(page, "page \(pages)")
                #expect(page.resourceVersion == snapshot, "every page is from the first page's RV")
                keys += page.itemKeys
                if let changed = page.items.first(where: { Self.key($0) == "ns-1/cm-0" }) {
                    let data = changed["data"] as? [String: String] ?? [:]
                    #expect(data["k"] == nil, "the patch came after the list's state")
                    #expect(data["feature"] == "enabled")
                }
                next = page.continueToken
                #expect(pages < 10, "paging must end")
                if pages >= 10 { break }
            }
            #expect(keys == Self.allKeys)
            #expect(pages == 3)
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func continueTokenHasTheAPIServerFormat(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let cluster = try await fixture.get("/api/v1/configmaps?limit=1")
            fixture.expectFromCache(cluster)
            let token = try #require(cluster.continueToken)
            let decoded = try #require(ContinueTokenText.decode(token), "\(token) is base64 of JSON")
            #expect(Set(decoded.keys) == ["v", "rv", "start"])
            #expect(decoded["v"] as? String == "meta.k8s.io/v1")
            #expect((decoded["rv"] as? NSNumber)?.stringValue == cluster.resourceVersion)
            #expect(decoded["start"] as? String == "ns-0/cm-0\u{0}", "the last key returned, then NUL")

            // In one namespace the key is relative to it.
            let namespaced = try await fixture.get("/api/v1/namespaces/ns-1/configmaps?limit=2")
            fixture.expectFromCache(namespaced)
            let namespacedToken = try #require(namespaced.continueToken)
            #expect(ContinueTokenText.decode(namespacedToken)?["start"] as? String == "cm-1\u{0}")
            let second = try await fixture.get("/api/v1/namespaces/ns-1/configmaps?limit=2&continue=\(namespacedToken)")
            fixture.expectFromCache(second)
            #expect(second.itemKeys == ["ns-1/cm-2", "ns-1/cm-3"])

            if target == .kcache {
                // The same token means the same to the upstream: pages can move between them.
                let upstream = try await fixture.getFromSim("/api/v1/namespaces/ns-1/configmaps?limit=2&continue=\(namespacedToken)")
                #expect(upstream.status == 200)
                #expect(upstream.itemKeys == second.itemKeys)
                #expect(upstream.resourceVersion == second.resourceVersion)
            }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func remainingItemCountOnlyWithoutSelectors(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let plain = try await fixture.get("/api/v1/configmaps?limit=4")
            fixture.expectFromCache(plain)
            #expect(plain.metadata["remainingItemCount"] as? Int == 6)
            let namespaced = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?limit=2")
            fixture.expectFromCache(namespaced)
            #expect(namespaced.metadata["remainingItemCount"] as? Int == 3)

            let labelled = try await fixture.get("/api/v1/configmaps?limit=2&labelSelector=index")
            fixture.expectFromCache(labelled)
            #expect(labelled.items.count == 2)
            #expect(labelled.continueToken != nil)
            #expect(labelled.metadata["remainingItemCount"] == nil, "omitted with a label selector")
            let fielded = try await fixture.get("/api/v1/configmaps?limit=2&fieldSelector=metadata.namespace%3Dns-1")
            fixture.expectFromCache(fielded)
            #expect(fielded.itemKeys == ["ns-1/cm-0", "ns-1/cm-1"])
            #expect(fielded.continueToken != nil)
            #expect(fielded.metadata["remainingItemCount"] == nil, "omitted with a field selector")

            // The last page has neither.
            let last = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?limit=5")
            fixture.expectFromCache(last)
            #expect(last.items.count == 5)
            #expect(last.continueToken == nil)
            #expect(last.metadata["remainingItemCount"] == nil)
        }
    }

    /// A token whose state nobody holds any more. KubeSim loses it when its history is
    /// compacted; kcache also keeps the stores its tokens point at (retained snapshots), so
    /// here it keeps only one, and a second paginated list replaces it: then kcache must pass
    /// the token upstream, which answers 410.
    @Test(arguments: ConformanceTarget.allCases)
    func tooOldContinueTokenIsExpired(_ target: ConformanceTarget) async throws {
        var tuning = ConformanceFixture.Tuning()
        tuning.kcacheRetainedSnapshots = 1
        try await ConformanceFixture.with(target, seed: Self.seed, tuning: tuning) { fixture in
            let first = try await fixture.get("/api/v1/configmaps?limit=3")
            fixture.expectFromCache(first)
            let token = try #require(first.continueToken)
            let written = try await fixture.createConfigMap("ns-0", "after")
            fixture.sim.faults.compactHistory()
            let other = try await fixture.get("/api/v1/configmaps?limit=3")
            fixture.expectFromCache(other)
            #expect(other.resourceVersion == written)

            let expired = try await fixture.get("/api/v1/configmaps?limit=3&continue=\(token)")
            #expect(expired.status == 410, "\(expired.text)")
            #expect(expired.reason == "Expired")
            #expect(expired.code == 410)
            #expect(expired.message?.hasPrefix("The provided continue parameter is too old to display a consistent list result.") == true)
            if target == .kcache {
                #expect(expired.header("X-Kcache-Source") == "upstream", "the cache no longer holds that state")
            }
        }
    }

    static func key(_ item: [String: Any]) -> String {
        let metadata = item["metadata"] as? [String: Any] ?? [:]
        return "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
    }
}

/// Reading continue tokens as the API server writes them: base64 (URL-safe, unpadded, or
/// standard) of a small JSON object.
enum ContinueTokenText {
    static func decode(_ token: String) -> [String: Any]? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// A token in that format, for requests that need a well-formed one.
    static func make(rv: Int, start: String) -> String {
        let json = #"{"v":"meta.k8s.io/v1","rv":\#(rv),"start":"\#(start)\u0000"}"#
        return Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
