import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// Discovery documents and custom resources installed at run time.
@Suite struct DiscoveryTests {
    @Test func legacyDocuments() async throws {
        try await SimFixture.with { fixture in
            let version = try await fixture.get("/version")
            #expect(version.object["major"] as? String == "1")
            let api = try await fixture.get("/api")
            #expect(api.object["versions"] as? [String] == ["v1"])
            let core = try await fixture.get("/api/v1")
            #expect(core.object["kind"] as? String == "APIResourceList")
            let resources = core.object["resources"] as? [[String: Any]] ?? []
            let pods = try #require(resources.first { $0["name"] as? String == "pods" })
            #expect(pods["kind"] as? String == "Pod")
            #expect(pods["singularName"] as? String == "pod")
            #expect(pods["namespaced"] as? Bool == true)
            #expect(pods["shortNames"] as? [String] == ["po"])
            #expect(Set(pods["verbs"] as? [String] ?? []).isSuperset(of: ["list", "watch", "get"]))
            #expect(resources.contains { $0["name"] as? String == "pods/status" })
            #expect(resources.contains { $0["name"] as? String == "pods/log" })
            let namespaces = resources.first { $0["name"] as? String == "namespaces" }
            #expect(namespaces?["namespaced"] as? Bool == false)
            let groups = try await fixture.get("/apis")
            let names = (groups.object["groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["apps", "example.com"])
            let apps = try await fixture.get("/apis/apps/v1")
            #expect(apps.object["groupVersion"] as? String == "apps/v1")
            let appResources = (apps.object["resources"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(appResources == ["deployments", "deployments/status", "deployments/scale"])
            #expect(try await fixture.get("/apis/apps").object["preferredVersion"] != nil)
            #expect(try await fixture.get("/apis/nope/v1").status == 404)
        }
    }

    @Test func aggregatedDiscovery() async throws {
        try await SimFixture.with { fixture in
            let accept = [("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")]
            let response = try await fixture.get("/apis", headers: accept)
            #expect(response.header("Content-Type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
            #expect(response.object["kind"] as? String == "APIGroupDiscoveryList")
            let items = response.object["items"] as? [[String: Any]] ?? []
            let apps = try #require(items.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "apps" })
            let resources = ((apps["versions"] as? [[String: Any]])?.first?["resources"] as? [[String: Any]]) ?? []
            #expect(resources.first?["resource"] as? String == "deployments")
            #expect(resources.first?["scope"] as? String == "Namespaced")
            let core = try await fixture.get("/api", headers: accept)
            #expect((core.object["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func customResourceAddedAtRunTime() async throws {
        try await SimFixture.with { fixture in
            #expect(try await fixture.get("/apis/stable.example.com/v1").status == 404)
            fixture.sim.addCustomResource(CustomResourceDefinition(
                group: "stable.example.com", version: "v1", kind: "CronTab", plural: "crontabs",
                shortNames: ["ct"], selectableFields: ["spec.schedule"]))
            let list = try await fixture.get("/apis/stable.example.com/v1")
            let resources = list.object["resources"] as? [[String: Any]] ?? []
            #expect(resources.first?["name"] as? String == "crontabs")
            #expect(resources.first?["kind"] as? String == "CronTab")
            let groups = try await fixture.get("/apis")
            #expect((groups.object["groups"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "stable.example.com" })
            try await fixture.createNamespace("default")
            let created = try await fixture.send("POST", "/apis/stable.example.com/v1/namespaces/default/crontabs",
                #"{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"every-minute"},"spec":{"schedule":"* * * * *"}}"#)
            #expect(created.status == 201)
            #expect(created.text.hasPrefix(#"{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"creationTimestamp":"#))
            #expect(created.metadata["generation"] as? Int == 1)
            let listed = try await fixture.get("/apis/stable.example.com/v1/crontabs?fieldSelector=spec.schedule%3D" + TestHTTPClient.encode("* * * * *"))
            #expect(listed.itemNames == ["every-minute"])
            #expect(listed.items.first?["kind"] as? String == "CronTab")

            _ = try await fixture.send("POST", "/_sim/crds", #"{"group":"other.example.com","version":"v2","kind":"Gadget","plural":"gadgets","namespaced":false}"#)
            let gadgets = try await fixture.get("/apis/other.example.com/v2/gadgets")
            #expect(gadgets.status == 200)
            #expect(gadgets.object["kind"] as? String == "GadgetList")
        }
    }

    @Test func openAPIV3AdvertisesFieldValidation() async throws {
        try await SimFixture.with { fixture in
            let index = try await fixture.get("/openapi/v3")
            let paths = index.object["paths"] as? [String: Any] ?? [:]
            let apps = try #require((paths["apis/apps/v1"] as? [String: Any])?["serverRelativeURL"] as? String)
            let document = try await fixture.get(apps)
            #expect(document.status == 200)
            let documentPaths = document.object["paths"] as? [String: Any] ?? [:]
            let patch = (documentPaths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"] as? [String: Any])?["patch"] as? [String: Any]
            #expect((patch?["parameters"] as? [[String: Any]])?.first?["name"] as? String == "fieldValidation")
        }
    }

    @Test func unknownPathsAre404Status() async throws {
        try await SimFixture.with { fixture in
            let response = try await fixture.get("/api/v1/widgets")
            #expect(response.status == 404)
            #expect(response.reason == "NotFound")
            #expect(try await fixture.get("/healthz").text == "ok")
        }
    }
}
