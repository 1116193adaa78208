import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// Writes: create, update, patch, delete and their answers.
@Suite struct WriteTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 1)
    static let configMaps = "/api/v1/namespaces/ns-0/configmaps"

    @Test func createFillsServerFields() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let before = Int(fixture.resourceVersion)!
            let created = try await fixture.send("POST", Self.configMaps, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new","labels":{"z":"1","a":"2"}},"data":{"b":"1","a":"2"}}"#)
            #expect(created.status == 201)
            #expect(created.text.hasPrefix(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"new","namespace":"ns-0","uid":""#))
            #expect(created.resourceVersion == String(before + 1))
            #expect((created.metadata["uid"] as? String)?.count == 36)
            #expect(created.metadata["creationTimestamp"] is String)
            #expect(created.text.contains(#""labels":{"a":"2","z":"1"}"#), "maps in sorted key order as Go writes them")
            let generated = try await fixture.send("POST", Self.configMaps, #"{"metadata":{"generateName":"gen-"}}"#)
            #expect(generated.status == 201)
            let name = try #require(generated.metadata["name"] as? String)
            #expect(name.hasPrefix("gen-") && name.count == 9)
            #expect(generated.metadata["generateName"] as? String == "gen-")
        }
    }

    @Test func createErrors() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let exists = try await fixture.send("POST", Self.configMaps, #"{"metadata":{"name":"cm-0"}}"#)
            #expect(exists.status == 409)
            #expect(exists.reason == "AlreadyExists")
            #expect(exists.message == #"configmaps "cm-0" already exists"#)
            let noNamespace = try await fixture.send("POST", "/api/v1/namespaces/nope/configmaps", #"{"metadata":{"name":"x"}}"#)
            #expect(noNamespace.status == 404)
            #expect(noNamespace.message == #"namespaces "nope" not found"#)
            let malformed = try await fixture.send("POST", Self.configMaps, #"{"metadata":"#)
            #expect(malformed.status == 400)
            #expect(malformed.reason == "BadRequest")
            let noName = try await fixture.send("POST", Self.configMaps, #"{"metadata":{}}"#)
            #expect(noName.status == 422)
            #expect(noName.reason == "Invalid")
            let badName = try await fixture.send("POST", Self.configMaps, #"{"metadata":{"name":"Bad_Name"}}"#)
            #expect(badName.status == 422)
            #expect(badName.message?.hasPrefix(#"ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name""#) == true)
            let wrongKind = try await fixture.send("POST", Self.configMaps, #"{"kind":"Secret","metadata":{"name":"x"}}"#)
            #expect(wrongKind.status == 400)
            let podWithoutContainers = try await fixture.send("POST", "/api/v1/namespaces/ns-0/pods", #"{"metadata":{"name":"p"},"spec":{}}"#)
            #expect(podWithoutContainers.status == 422)
            #expect(podWithoutContainers.message == #"Pod "p" is invalid: spec.containers: Required value"#)
            let huge = String(repeating: "x", count: 3 * 1024 * 1024 + 10)
            let tooLarge = try await fixture.send("POST", Self.configMaps, #"{"metadata":{"name":"big"},"data":{"x":"\#(huge)"}}"#)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.reason == "RequestEntityTooLarge")
            #expect(try await fixture.get("\(Self.configMaps)/big").status == 404)
        }
    }

    @Test func updateConflictsAndUnconditionalUpdates() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let current = try await fixture.get("\(Self.configMaps)/cm-0")
            let rv = try #require(current.resourceVersion)
            let updated = try await fixture.send("PUT", "\(Self.configMaps)/cm-0", #"{"metadata":{"name":"cm-0","resourceVersion":"\#(rv)"},"data":{"a":"1"}}"#)
            #expect(updated.status == 200)
            #expect(updated.metadata["uid"] as? String == current.metadata["uid"] as? String)
            #expect(updated.metadata["creationTimestamp"] as? String == current.metadata["creationTimestamp"] as? String)
            #expect(Int(updated.resourceVersion ?? "")! > Int(rv)!)
            let stale = try await fixture.send("PUT", "\(Self.configMaps)/cm-0", #"{"metadata":{"name":"cm-0","resourceVersion":"\#(rv)"},"data":{"a":"2"}}"#)
            #expect(stale.status == 409)
            #expect(stale.reason == "Conflict")
            #expect(stale.message == #"Operation cannot be fulfilled on configmaps "cm-0": the object has been modified; please apply your changes to the latest version and try again"#)
            let unconditional = try await fixture.send("PUT", "\(Self.configMaps)/cm-0", #"{"metadata":{"name":"cm-0"},"data":{"a":"3"}}"#)
            #expect(unconditional.status == 200)
            #expect((unconditional.object["data"] as? [String: String]) == ["a": "3"])
            let wrongName = try await fixture.send("PUT", "\(Self.configMaps)/cm-0", #"{"metadata":{"name":"cm-1"}}"#)
            #expect(wrongName.status == 400)
            let missing = try await fixture.send("PUT", "\(Self.configMaps)/ghost", #"{"metadata":{"name":"ghost"}}"#)
            #expect(missing.status == 404)
        }
    }

    @Test func noOpUpdateWritesNothing() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let current = try await fixture.get("\(Self.configMaps)/cm-0")
            let before = fixture.resourceVersion
            let same = try await fixture.send("PUT", "\(Self.configMaps)/cm-0", current.text)
            #expect(same.status == 200)
            #expect(same.resourceVersion == current.resourceVersion)
            #expect(fixture.resourceVersion == before)
        }
    }

    @Test func patchTypes() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let path = "\(Self.configMaps)/cm-0"
            let merge = try await fixture.send("PATCH", path, #"{"data":{"feature":null,"new":"1"},"metadata":{"labels":{"x":"y"}}}"#, contentType: "application/merge-patch+json")
            #expect(merge.status == 200)
            #expect((merge.object["data"] as? [String: String])?["feature"] == nil)
            #expect((merge.object["data"] as? [String: String])?["new"] == "1")
            #expect((merge.metadata["labels"] as? [String: String])?["x"] == "y")

            let json = try await fixture.send("PATCH", path, #"[{"op":"test","path":"/data/new","value":"1"},{"op":"replace","path":"/data/new","value":"2"},{"op":"add","path":"/data/added","value":"a"},{"op":"remove","path":"/metadata/labels/x"}]"#, contentType: "application/json-patch+json")
            #expect(json.status == 200)
            #expect((json.object["data"] as? [String: String])?["new"] == "2")
            #expect((json.object["data"] as? [String: String])?["added"] == "a")
            #expect((json.metadata["labels"] as? [String: String])?["x"] == nil)
            let failedTest = try await fixture.send("PATCH", path, #"[{"op":"test","path":"/data/new","value":"nope"}]"#, contentType: "application/json-patch+json")
            #expect(failedTest.status == 422)

            let unsupported = try await fixture.send("PATCH", path, #"{}"#, contentType: "text/plain")
            #expect(unsupported.status == 415)
            let apply = try await fixture.send("PATCH", path, "apiVersion: v1", contentType: "application/apply-patch+yaml")
            #expect(apply.status == 415)
            let missing = try await fixture.send("PATCH", "\(Self.configMaps)/ghost", #"{}"#, contentType: "application/merge-patch+json")
            #expect(missing.status == 404)
        }
    }

    @Test func strategicMergePatchMergesContainersByName() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            try await fixture.createNamespace("apps")
            let pod = #"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"b:1"}]}}"#
            #expect(try await fixture.send("POST", "/api/v1/namespaces/apps/pods", pod).status == 201)
            let patch = #"{"metadata":{"finalizers":["example.com/x"]},"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"a:2","env":[{"name":"Y","value":"2"}]},{"name":"b","$patch":"delete"},{"name":"c","image":"c:1"}]}}"#
            let patched = try await fixture.send("PATCH", "/api/v1/namespaces/apps/pods/p", patch, contentType: "application/strategic-merge-patch+json")
            #expect(patched.status == 200, "\(patched.text)")
            let containers = (patched.object["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
            #expect(containers.compactMap { $0["name"] as? String } == ["a", "c"])
            #expect(containers.first?["image"] as? String == "a:2")
            #expect((containers.first?["env"] as? [[String: String]])?.compactMap { $0["name"] } == ["X", "Y"])
            #expect(patched.metadata["finalizers"] as? [String] == ["example.com/x"])
            let widgetPatch = try await fixture.send("PATCH", "/apis/example.com/v1/namespaces/apps/widgets/w", "{}", contentType: "application/strategic-merge-patch+json")
            #expect(widgetPatch.status == 415, "custom resources do not take strategic merge patches")
        }
    }

    @Test func deleteAnswersPerKind() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 1, deploymentsPerNamespace: 1, widgetsPerNamespace: 1)) { fixture in
            let configMap = try await fixture.get("\(Self.configMaps)/cm-0")
            let deletedConfigMap = try await fixture.delete("\(Self.configMaps)/cm-0")
            #expect(deletedConfigMap.status == 200)
            #expect(deletedConfigMap.text == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"cm-0","kind":"configmaps","uid":"\#(configMap.metadata["uid"] as? String ?? "")"}}"#)
            let deployment = try await fixture.delete("/apis/apps/v1/namespaces/ns-0/deployments/deploy-0")
            #expect((deployment.object["details"] as? [String: Any])?["group"] as? String == "apps")
            #expect((deployment.object["details"] as? [String: Any])?["kind"] as? String == "deployments")
            let pod = try await fixture.delete("/api/v1/namespaces/ns-0/pods/pod-0")
            #expect(pod.status == 200)
            #expect(pod.object["kind"] as? String == "Pod")
            #expect(pod.metadata["name"] as? String == "pod-0")
            let widget = try await fixture.delete("/apis/example.com/v1/namespaces/ns-0/widgets/widget-0")
            #expect(widget.object["kind"] as? String == "Widget")
            let again = try await fixture.delete("\(Self.configMaps)/cm-0")
            #expect(again.status == 404)
            #expect(again.reason == "NotFound")
            #expect((again.object["details"] as? [String: Any])?["kind"] as? String == "configmaps")
        }
    }

    @Test func finalizersDelayDeletion() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let created = try await fixture.send("POST", Self.configMaps, #"{"metadata":{"name":"held","finalizers":["example.com/hold"]}}"#)
            #expect(created.status == 201)
            let watch = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { watch.close() }
            let marked = try await fixture.delete("\(Self.configMaps)/held")
            #expect(marked.status == 200)
            #expect(marked.object["kind"] as? String == "ConfigMap", "the object, not a Status")
            #expect(marked.metadata["deletionTimestamp"] is String)
            #expect(marked.metadata["deletionGracePeriodSeconds"] as? Int == 0)
            #expect(Int(marked.resourceVersion!)! > Int(created.resourceVersion!)!)
            #expect(try await fixture.get("\(Self.configMaps)/held").status == 200)
            let modified = try #require(try await watch.next())
            #expect(modified.type == "MODIFIED")

            let addFinalizer = try await fixture.send("PATCH", "\(Self.configMaps)/held", #"{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}"#, contentType: "application/merge-patch+json")
            #expect(addFinalizer.status == 422)

            let released = try await fixture.send("PATCH", "\(Self.configMaps)/held", #"{"metadata":{"finalizers":null}}"#, contentType: "application/merge-patch+json")
            #expect(released.status == 200)
            #expect(released.object["status"] as? String == "Success", "emptying finalizers deletes: the delete's answer")
            #expect(try await fixture.get("\(Self.configMaps)/held").status == 404)
            let deleted = try #require(try await watch.next())
            #expect(deleted.type == "DELETED")
            #expect(deleted.resourceVersion == fixture.resourceVersion)
        }
    }

    @Test func deleteCollectionWithSelector() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 6, podsPerNamespace: 0)) { fixture in
            let response = try await fixture.delete("\(Self.configMaps)?labelSelector=tier%3Dfrontend")
            #expect(response.status == 200)
            #expect(response.object["kind"] as? String == "ConfigMapList")
            #expect(response.itemNames == ["cm-0", "cm-3"])
            let left = try await fixture.get(Self.configMaps)
            #expect(left.itemNames == ["cm-1", "cm-2", "cm-4", "cm-5"])
        }
    }

    @Test func statusSubresource() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 1, deploymentsPerNamespace: 1)) { fixture in
            let path = "/api/v1/namespaces/ns-0/pods/pod-0"
            let ignored = try await fixture.send("PATCH", path, #"{"status":{"phase":"Failed"},"metadata":{"labels":{"via":"main"}}}"#, contentType: "application/merge-patch+json")
            #expect((ignored.object["status"] as? [String: Any])?["phase"] as? String != "Failed", "status changes through the main resource are dropped")
            #expect((ignored.metadata["labels"] as? [String: String])?["via"] == "main")
            let status = try await fixture.send("PATCH", path + "/status", #"{"status":{"phase":"Failed"},"metadata":{"labels":{"via":"status"}}}"#, contentType: "application/merge-patch+json")
            #expect(status.status == 200)
            #expect((status.object["status"] as? [String: Any])?["phase"] as? String == "Failed")
            #expect((status.metadata["labels"] as? [String: String])?["via"] == "main", "metadata changes through /status are dropped")

            let deployment = "/apis/apps/v1/namespaces/ns-0/deployments/deploy-0"
            let scaled = try await fixture.send("PATCH", deployment, #"{"spec":{"replicas":5}}"#, contentType: "application/merge-patch+json")
            #expect(scaled.metadata["generation"] as? Int == 2)
            let statusOnly = try await fixture.send("PATCH", deployment + "/status", #"{"status":{"readyReplicas":5}}"#, contentType: "application/merge-patch+json")
            #expect(statusOnly.metadata["generation"] as? Int == 2, "status writes leave generation alone")
            #expect(try await fixture.get("/api/v1/namespaces/ns-0/configmaps/x/status").status == 404)
        }
    }

    @Test func dryRunStoresNothing() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let before = fixture.resourceVersion
            let created = try await fixture.send("POST", Self.configMaps + "?dryRun=All", #"{"metadata":{"name":"dry"}}"#)
            #expect(created.status == 201)
            #expect(created.metadata["uid"] is String)
            #expect(created.resourceVersion == nil)
            let deleted = try await fixture.client.request("DELETE", fixture.url("\(Self.configMaps)/cm-0?dryRun=All"))
            #expect(deleted.status == 200)
            #expect(fixture.resourceVersion == before)
            #expect(try await fixture.get("\(Self.configMaps)/dry").status == 404)
            #expect(try await fixture.get("\(Self.configMaps)/cm-0").status == 200)
        }
    }

    @Test func namespaceDeletionRemovesItsContents() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 2, configMapsPerNamespace: 2, podsPerNamespace: 1)) { fixture in
            let watch = try await fixture.watch("/api/v1/configmaps?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { watch.close() }
            let response = try await fixture.delete("/api/v1/namespaces/ns-0")
            #expect(response.status == 200)
            #expect(response.object["kind"] as? String == "Namespace")
            #expect((response.object["status"] as? [String: Any])?["phase"] as? String == "Terminating")
            let events = try await watch.next(2)
            #expect(events.map(\.type) == ["DELETED", "DELETED"])
            #expect(try await fixture.get("/api/v1/namespaces/ns-0").status == 404)
            #expect(try await fixture.get("/api/v1/configmaps").itemKeys == ["ns-1/cm-0", "ns-1/cm-1"])
        }
    }

    @Test func inProcessObjectAPIMatchesHTTP() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let resource = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
            let watch = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { watch.close() }
            let created = try fixture.sim.create(resource, namespace: "ns-0", json: Array(#"{"metadata":{"name":"direct"}}"#.utf8))
            #expect(String(decoding: created, as: UTF8.self).contains(#""name":"direct""#))
            #expect(try await watch.next()?.type == "ADDED")
            #expect(throws: Status.self) { try fixture.sim.create(resource, namespace: "ns-0", json: Array(#"{"metadata":{"name":"direct"}}"#.utf8)) }
            do {
                _ = try fixture.sim.get(resource, namespace: "ns-0", name: "nope")
                Issue.record("expected NotFound")
            } catch {
                #expect((error as? Status)?.code == 404)
            }
            _ = try fixture.sim.delete(resource, namespace: "ns-0", name: "direct")
            #expect(try await watch.next()?.type == "DELETED")
        }
    }
}

/// Subresources other than status.
@Suite struct SubresourceTests {
    @Test func deploymentScale() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 1, deploymentsPerNamespace: 1)) { fixture in
            let path = "/apis/apps/v1/namespaces/ns-0/deployments/deploy-0/scale"
            let scale = try await fixture.get(path)
            #expect(scale.object["kind"] as? String == "Scale")
            #expect(scale.object["apiVersion"] as? String == "autoscaling/v1")
            #expect((scale.object["spec"] as? [String: Any])?["replicas"] as? Int == 1)
            #expect((scale.object["status"] as? [String: Any])?["selector"] as? String == "app=deploy-0")
            let patched = try await fixture.send("PATCH", path, #"{"spec":{"replicas":4}}"#, contentType: "application/merge-patch+json")
            #expect((patched.object["spec"] as? [String: Any])?["replicas"] as? Int == 4)
            let deployment = try await fixture.get("/apis/apps/v1/namespaces/ns-0/deployments/deploy-0")
            #expect((deployment.object["spec"] as? [String: Any])?["replicas"] as? Int == 4)
            #expect(deployment.metadata["generation"] as? Int == 2)
            let stale = try await fixture.send("PUT", path, #"{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"deploy-0","resourceVersion":"1"},"spec":{"replicas":2}}"#)
            #expect(stale.status == 409)
        }
    }

    @Test func podLog() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 1)) { fixture in
            let log = try await fixture.get("/api/v1/namespaces/ns-0/pods/pod-0/log")
            #expect(log.status == 200)
            #expect(log.text.contains("ns-0/pod-0"))
            #expect(try await fixture.get("/api/v1/namespaces/ns-0/pods/ghost/log").status == 404)
        }
    }
}

/// Per-kind rules: defaults, scope and field labels of secrets, services, nodes and namespaces.
@Suite struct KindRuleTests {
    @Test func secretsServicesNodesAndNamespaces() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0, nodes: 2)) { fixture in
            let secret = try await fixture.send("POST", "/api/v1/namespaces/ns-0/secrets", #"{"metadata":{"name":"s"},"stringData":{"password":"hunter2"}}"#)
            #expect(secret.status == 201)
            #expect((secret.object["data"] as? [String: String])?["password"] == "aHVudGVyMg==")
            #expect(secret.object["stringData"] == nil)
            #expect(secret.object["type"] as? String == "Opaque")
            #expect(try await fixture.get("/api/v1/secrets?fieldSelector=type%3DOpaque").itemNames == ["s"])

            let service = try await fixture.send("POST", "/api/v1/namespaces/ns-0/services", #"{"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}"#)
            #expect((service.object["spec"] as? [String: Any])?["type"] as? String == "ClusterIP")
            #expect(((service.object["spec"] as? [String: Any])?["clusterIP"] as? String)?.hasPrefix("10.96.") == true)
            let deletedService = try await fixture.delete("/api/v1/namespaces/ns-0/services/web")
            #expect(deletedService.object["kind"] as? String == "Service", "services answer DELETE with the object")

            #expect(try await fixture.get("/api/v1/namespaces/ns-0/nodes").status == 404, "nodes are cluster-scoped")
            let schedulable = try await fixture.get("/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse")
            #expect(schedulable.itemNames == ["node-0", "node-1"])
            let namespace = try await fixture.get("/api/v1/namespaces/ns-0")
            #expect((namespace.metadata["labels"] as? [String: String])?["kubernetes.io/metadata.name"] == "ns-0")
            #expect((namespace.object["status"] as? [String: Any])?["phase"] as? String == "Active")
            #expect(try await fixture.get("/api/v1/namespaces?fieldSelector=status.phase%3DActive").itemNames.contains("ns-0"))
            let created = try await fixture.send("POST", "/api/v1/configmaps", #"{"metadata":{"name":"x"}}"#)
            #expect(created.status == 405, "a namespaced kind is not created through the cluster-wide path")
            let dryUpdate = try await fixture.send("PUT", "/api/v1/namespaces/ns-0/secrets/s?dryRun=All", #"{"metadata":{"name":"s"},"data":{}}"#)
            #expect(dryUpdate.status == 200)
            #expect((try await fixture.get("/api/v1/namespaces/ns-0/secrets/s").object["data"] as? [String: String])?["password"] == "aHVudGVyMg==")
        }
    }
}
