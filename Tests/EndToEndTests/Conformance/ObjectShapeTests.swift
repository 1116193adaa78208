import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// The shapes clients decode: list envelopes (built-in and custom kinds), storage-key order,
/// one object by GET, and the `Status` of a 404.
@Suite struct ObjectShapeTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")

    /// Namespaces `a-b`, `a` and `b`, each with a configmap `x` (and `a/w`), created in an
    /// order unlike the storage order.
    static func prepareKeyOrder(_ sim: KubeSim) throws {
        for namespace in ["b", "a", "a-b"] {
            try sim.create(namespaces, json: Array(#"{"metadata":{"name":"\#(namespace)"}}"#.utf8))
        }
        for (namespace, name) in [("a", "x"), ("b", "x"), ("a-b", "x"), ("a", "w")] {
            try sim.create(configMaps, namespace: namespace, json: Array(#"{"metadata":{"name":"\#(name)"}}"#.utf8))
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func itemsAreInStorageKeyOrder(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, prepare: Self.prepareKeyOrder) { fixture in
            let list = try await fixture.get("/api/v1/configmaps")
            fixture.expectFromCache(list)
            #expect(list.itemKeys == ["a-b/x", "a/w", "a/x", "b/x"], "the bytes of namespace/name: \"-\" sorts before \"/\"")
            let paged = try await fixture.get("/api/v1/configmaps?limit=1")
            fixture.expectFromCache(paged)
            #expect(paged.itemKeys == ["a-b/x"])
            let namespaces = try await fixture.get("/api/v1/namespaces")
            fixture.expectFromCache(namespaces)
            // Cluster-scoped keys are bare names; the cluster's own namespaces are there too.
            #expect(namespaces.itemKeys == ["a", "a-b", "b", "default", "kube-node-lease", "kube-public", "kube-system"])
            let stream = try await fixture.watch("/api/v1/configmaps?watch=true")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            #expect(try await stream.next(4).map { "\($0.namespace ?? "")/\($0.name ?? "")" } == ["a-b/x", "a/w", "a/x", "b/x"],
                    "initial events in the same order")
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func builtInListEnvelope(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 2)) { fixture in
            for (path, kind, names) in [("/api/v1/namespaces/ns-0/configmaps", "ConfigMapList", ["cm-0", "cm-1"]),
                                        ("/api/v1/pods", "PodList", ["pod-0", "pod-1"])] {
                let list = try await fixture.get(path)
                #expect(list.status == 200)
                fixture.expectFromCache(list)
                #expect(list.header("Content-Type")?.hasPrefix("application/json") == true)
                #expect(list.object["kind"] as? String == kind)
                #expect(list.object["apiVersion"] as? String == "v1")
                #expect(list.resourceVersion == fixture.upstreamResourceVersion)
                #expect(list.continueToken == nil)
                #expect(list.metadata["remainingItemCount"] == nil)
                #expect(list.itemNames == names)
                for item in list.items {
                    #expect(item["kind"] == nil, "items of built-in kinds carry no kind")
                    #expect(item["apiVersion"] == nil, "items of built-in kinds carry no apiVersion")
                    let metadata = item["metadata"] as? [String: Any] ?? [:]
                    #expect(metadata["resourceVersion"] is String)
                    #expect(metadata["uid"] is String)
                }
            }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func customResourceListEnvelope(_ target: ConformanceTarget) async throws {
        let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 0, podsPerNamespace: 0, widgetsPerNamespace: 2)
        try await ConformanceFixture.with(target, seed: seed) { fixture in
            let list = try await fixture.get("/apis/example.com/v1/widgets")
            #expect(list.status == 200)
            fixture.expectFromCache(list)
            #expect(list.object["kind"] as? String == "WidgetList")
            #expect(list.object["apiVersion"] as? String == "example.com/v1")
            #expect(list.resourceVersion == fixture.upstreamResourceVersion)
            #expect(list.itemKeys == ["ns-0/widget-0", "ns-0/widget-1", "ns-1/widget-0", "ns-1/widget-1"])
            for item in list.items {
                #expect(item["kind"] as? String == "Widget", "custom resources' items keep their kind")
                #expect(item["apiVersion"] as? String == "example.com/v1")
            }
            // Their selectable field works too.
            let green = try await fixture.get("/apis/example.com/v1/namespaces/ns-1/widgets?fieldSelector=spec.color%3Dgreen")
            #expect(green.status == 200, "\(green.text)")
            #expect(green.itemKeys == ["ns-1/widget-1"])
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func getOneObjectCarriesKindAndAPIVersion(_ target: ConformanceTarget) async throws {
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 1, widgetsPerNamespace: 1)
        try await ConformanceFixture.with(target, seed: seed) { fixture in
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            let listed = try #require(list.items.last)
            for (path, kind, apiVersion) in [("/api/v1/namespaces/ns-0/configmaps/cm-1", "ConfigMap", "v1"),
                                             ("/api/v1/namespaces/ns-0/pods/pod-0", "Pod", "v1"),
                                             ("/api/v1/namespaces/ns-0", "Namespace", "v1"),
                                             ("/apis/example.com/v1/namespaces/ns-0/widgets/widget-0", "Widget", "example.com/v1")] {
                let object = try await fixture.get(path)
                #expect(object.status == 200, "\(path): \(object.text)")
                fixture.expectFromCache(object, path)
                #expect(object.object["kind"] as? String == kind, "\(path)")
                #expect(object.object["apiVersion"] as? String == apiVersion, "\(path)")
            }
            // The same object as the LIST item, with its type back.
            let single = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-1")
            var withoutType = single.object
            withoutType["kind"] = nil
            withoutType["apiVersion"] = nil
            #expect(NSDictionary(dictionary: withoutType).isEqual(to: listed), "GET and LIST agree on the object")
            let upstream = try await fixture.getFromSim("/api/v1/namespaces/ns-0/configmaps/cm-1")
            #expect(NSDictionary(dictionary: single.object).isEqual(to: upstream.object), "the upstream's object, unchanged")
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func notFoundIsAStatus(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 0)) { fixture in
            for (path, name, kind) in [("/api/v1/namespaces/ns-0/configmaps/missing", "missing", "configmaps"),
                                       ("/api/v1/namespaces/ns-0/pods/nope", "nope", "pods"),
                                       ("/apis/example.com/v1/namespaces/ns-0/widgets/gone", "gone", "widgets")] {
                let response = try await fixture.get(path)
                #expect(response.status == 404, "\(path)")
                fixture.expectFromCache(response, path)
                #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
                #expect(response.object["kind"] as? String == "Status")
                #expect(response.object["apiVersion"] as? String == "v1")
                #expect(NSDictionary(dictionary: response.metadata).count == 0)
                #expect(response.object["status"] as? String == "Failure")
                #expect(response.reason == "NotFound")
                #expect(response.code == 404)
                let group = kind == "widgets" ? "widgets.example.com" : kind
                #expect(response.message == "\(group) \"\(name)\" not found")
                let details = response.object["details"] as? [String: Any] ?? [:]
                #expect(details["name"] as? String == name)
                #expect(details["kind"] as? String == kind)
                if kind == "widgets" { #expect(details["group"] as? String == "example.com") }
                let upstream = try await fixture.getFromSim(path)
                #expect(NSDictionary(dictionary: response.object).isEqual(to: upstream.object), "the same Status as the API server")
            }
        }
    }
}
