import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import NIOPosix
import Testing

/// Read-your-writes, one kind of write at a time, behind a KubeSim whose watch lags every event
/// by 400 ms: each read right after a write must show it, and must get there through the
/// cache (answered from it, at most one wait counted, no fallback) — which proves kcache learnt
/// what to wait for from that very write's answer (an answer it could not read would send the
/// read upstream; one it did not record would let a stale read through). `--ryw-timeout` is
/// raised to 5 s here so that a slow machine cannot turn a wait into a fallback; the scenario
/// tests keep the default 1 s.
@Suite struct ReadYourWritesTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")

    static func options(lag: Duration = .milliseconds(400)) -> ProxyFixture.Options {
        var options = ProxyFixture.Options()
        options.readYourWritesTimeout = .seconds(5)
        options.resources = ["configmaps", "pods"]
        options.seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 2, podsPerNamespace: 2, nodes: 1)
        options.watchEventDelay = lag
        return options
    }

    /// Asserts that `response` came from the cache, with no fallback, after one more wait for
    /// `resource` — or none, when the machine was so slow that the cache had caught up before
    /// the read arrived; returns the new wait count.
    static func expectWaitedThenCached(
        _ response: TestHTTPResponse, _ fixture: ProxyFixture, _ resource: GroupVersionResource, waitsBefore: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Int {
        let counters = fixture.statistics.counters(for: resource)
        #expect(response.kcacheSource == "cache", "\(response.status) \(response.text.prefix(200))", sourceLocation: sourceLocation)
        #expect(counters.waits <= waitsBefore + 1, "at most one wait for this read", sourceLocation: sourceLocation)
        #expect(counters.fallbacks == 0, sourceLocation: sourceLocation)
        return counters.waits
    }

    @Test func everyKindOfWriteHoldsTheNextReadUntilTheCacheHasIt() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            let path = "/api/v1/namespaces/ns-0/configmaps/fresh"
            var waits = 0

            // POST
            let created = try await fixture.createConfigMap("ns-0", "fresh", data: ["v": "1"])
            var read = try await fixture.get(path)
            #expect(KubeBody(read).data == ["v": "1"])
            #expect(KubeBody(read).resourceVersion == String(created.resourceVersion))
            waits = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: waits)

            // PATCH (merge)
            let patch = try await fixture.client.send(
                "PATCH", fixture.url(path), json: #"{"data":{"v":"2"}}"#, contentType: "application/merge-patch+json")
            let patched = try Written(patch)
            read = try await fixture.get(path)
            #expect(KubeBody(read).data == ["v": "2"])
            #expect(KubeBody(read).resourceVersion == String(patched.resourceVersion))
            waits = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: waits)

            // PUT
            let updated = try await fixture.updateConfigMap("ns-0", "fresh", data: ["v": "3"])
            read = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(KubeBody(read).item(named: "fresh")?.data == ["v": "3"])
            #expect(KubeBody(read).item(named: "fresh")?.resourceVersion == String(updated.resourceVersion))
            #expect(Set(KubeBody(read).items.compactMap(\.name)) == ["cm-0", "cm-1", "fresh"])
            waits = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: waits)

            // DELETE answered with a Status (configmaps): the object must be gone.
            let uid = try await fixture.deleteConfigMap("ns-0", "fresh")
            #expect(uid == created.uid)
            read = try await fixture.get(path)
            #expect(read.status == 404)
            #expect(KubeBody(read).reason == "NotFound")
            waits = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: waits)

            // A subresource write (pods/status) holds reads of the resource.
            let podPath = "/api/v1/namespaces/ns-1/pods/pod-0"
            let status = try await fixture.client.send(
                "PATCH", fixture.url(podPath + "/status"), json: #"{"status":{"phase":"Failed","message":"from the test"}}"#,
                contentType: "application/merge-patch+json")
            let statusWritten = try Written(status)
            read = try await fixture.get(podPath)
            let podStatus = KubeBody(read).json["status"] as? [String: Any]
            #expect(podStatus?["phase"] as? String == "Failed")
            #expect(podStatus?["message"] as? String == "from the test")
            #expect(KubeBody(read).resourceVersion == String(statusWritten.resourceVersion))
            var podWaits = Self.expectWaitedThenCached(read, fixture, Self.pods, waitsBefore: 0)

            // DELETE answered with the object (pods): the object with that uid must be gone.
            let deletion = try await fixture.client.request("DELETE", fixture.url(podPath))
            #expect(deletion.status == 200)
            #expect(KubeBody(deletion).json["kind"] as? String == "Pod")
            read = try await fixture.get("/api/v1/namespaces/ns-1/pods")
            #expect(KubeBody(read).items.compactMap(\.name) == ["pod-1"])
            podWaits = Self.expectWaitedThenCached(read, fixture, Self.pods, waitsBefore: podWaits)

            // The cache has caught up with every write: the next reads do not wait, and the
            // records they find satisfied are dropped.
            read = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-1")
            #expect(read.status == 200 && read.kcacheSource == "cache")
            read = try await fixture.get("/api/v1/namespaces/ns-1/pods/pod-1")
            #expect(read.status == 200 && read.kcacheSource == "cache")
            #expect(fixture.statistics.counters(for: Self.configMaps).waits == waits)
            #expect(fixture.statistics.counters(for: Self.pods).waits == podWaits)
            #expect(fixture.kcache.proxy.writeRecords.pendingResources == 0)
        }
    }

    /// A create and a delete before the cache has seen either: the delete's "gone" holds
    /// vacuously at first (the cache never had the object), so it must be judged only once the
    /// cache has the create — else the wait for the create brings the object back.
    @Test func aCreateThenDeleteIsNeverReadBack() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            var stale: [String] = []
            for round in 0..<5 {
                let name = "brief-\(round)"
                _ = try await fixture.createConfigMap("ns-0", name, data: ["round": String(round)])
                try await fixture.deleteConfigMap("ns-0", name)
                let get = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/\(name)")
                if get.status != 404 { stale.append("GET \(name): \(get.status) \(get.kcacheSource ?? "")") }
                let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
                if KubeBody(list).item(named: name) != nil { stale.append("LIST has \(name)") }
                #expect(Set(KubeBody(list).items.compactMap(\.name)) == ["cm-0", "cm-1"])
            }
            #expect(stale.isEmpty, "\(stale)")
            #expect(fixture.statistics.counters(for: Self.configMaps).fallbacks == 0)
        }
    }

    /// Namespaces: their path (`/api/v1/namespaces/{name}`) names the object as its own
    /// namespace, and their DELETE answers the namespace Terminating.
    @Test func namespacesAreReadBackToo() async throws {
        var options = Self.options()
        options.resources = ["namespaces"]
        let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
        try await ProxyFixture.with(options) { fixture in
            let seeded = try await fixture.get("/api/v1/namespaces/ns-1")
            #expect(seeded.status == 200 && seeded.kcacheSource == "cache")
            #expect(KubeBody(seeded).name == "ns-1")

            let create = try await fixture.client.send("POST", fixture.url("/api/v1/namespaces"), json: #"{"metadata":{"name":"team"}}"#)
            let created = try Written(create)
            let get = try await fixture.get("/api/v1/namespaces/team")
            #expect(get.status == 200 && get.kcacheSource == "cache")
            #expect(KubeBody(get).uid == created.uid)
            #expect(KubeBody(get).resourceVersion == String(created.resourceVersion))
            let waits = Self.expectWaitedThenCached(get, fixture, namespaces, waitsBefore: 0)

            let deletion = try await fixture.client.request("DELETE", fixture.url("/api/v1/namespaces/team"))
            #expect(deletion.status == 200)
            #expect((KubeBody(deletion).json["status"] as? [String: Any])?["phase"] as? String == "Terminating")
            // Fresh: gone, or Terminating as the DELETE answered (KubeSim finishes at once).
            let after = try await fixture.get("/api/v1/namespaces/team")
            let phase = (KubeBody(after).json["status"] as? [String: Any])?["phase"] as? String
            #expect(after.status == 404 || phase == "Terminating", "\(after.status) \(after.text.prefix(300))")
            _ = Self.expectWaitedThenCached(after, fixture, namespaces, waitsBefore: waits)
        }
    }

    @Test func aWatchOpenedAfterAWriteStartsFromIt() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            let written = try await fixture.createConfigMap("ns-0", "watched", data: ["seen": "yes"])
            let stream = try await fixture.watch("/api/v1/namespaces/ns-0/configmaps?watch=1")
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.header("X-Kcache-Source") == "cache")
            let initial = try await stream.next(3, timeout: .seconds(10))
            #expect(initial.map(\.type) == ["ADDED", "ADDED", "ADDED"])
            #expect(Set(initial.compactMap(\.name)) == ["cm-0", "cm-1", "watched"])
            let event = try #require(initial.first { $0.name == "watched" })
            #expect(event.resourceVersion == String(written.resourceVersion))
            #expect(event.object["data"] as? [String: String] == ["seen": "yes"])
            #expect(fixture.statistics.counters(for: Self.configMaps).waits <= 1)
            #expect(fixture.statistics.counters(for: Self.configMaps).fallbacks == 0)
        }
    }

    /// The record is per process, not per connection: a write by one client (its own event
    /// loop, its own connections) holds back the reads of another.
    @Test func aWriteByOneClientIsNeverStaleForAnother() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            let writerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let writer = TestHTTPClient(group: writerGroup)
            let reader = TestHTTPClient()
            let path = "/api/v1/namespaces/ns-1/configmaps/shared"
            let results: [Bool]
            do {
                var fresh: [Bool] = []
                for round in 0..<5 {
                    let data = ["round": String(round)]
                    let written = round == 0
                        ? try await fixture.createConfigMap("ns-1", "shared", data: data, through: writer)
                        : try await fixture.updateConfigMap("ns-1", "shared", data: data, through: writer)
                    let get = try await reader.request("GET", fixture.url(path))
                    let list = try await reader.request("GET", fixture.url("/api/v1/namespaces/ns-1/configmaps"))
                    fresh.append(KubeBody(get).data == data && KubeBody(get).resourceVersion == String(written.resourceVersion))
                    fresh.append(KubeBody(list).item(named: "shared")?.data == data)
                    #expect(get.kcacheSource == "cache" && list.kcacheSource == "cache")
                }
                try await fixture.deleteConfigMap("ns-1", "shared", through: writer)
                let gone = try await reader.request("GET", fixture.url(path))
                fresh.append(gone.status == 404 && KubeBody(gone).reason == "NotFound")
                results = fresh
            }
            try await writerGroup.shutdownGracefully()
            #expect(results.count == 11)
            #expect(results.allSatisfy { $0 }, "fresh reads: \(results)")
            // Each write held (at most) the first read after it; the LIST after the GET found
            // the cache caught up already.
            let counters = fixture.statistics.counters(for: Self.configMaps)
            #expect(counters.waits <= 6)
            #expect(counters.fallbacks == 0)
        }
    }

    /// A typed client-go client writes protobuf and reads its answer as protobuf; kcache reads
    /// the resourceVersion from that answer, so a later JSON read is fresh.
    @Test func aProtobufWriteIsNeverStaleForAJSONRead() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            let path = "/api/v1/namespaces/ns-0/configmaps/typed"
            let headers = [
                ("Content-Type", ConfigMapProtobuf.mediaType),
                ("Accept", "\(ConfigMapProtobuf.mediaType), application/json"),
            ]
            let create = try await fixture.client.request(
                "POST", fixture.url("/api/v1/namespaces/ns-0/configmaps"), headers: headers,
                body: ConfigMapProtobuf.configMap(name: "typed", namespace: "ns-0", data: ["encoding": "protobuf", "n": "1"]))
            #expect(create.status == 201)
            #expect(create.header("Content-Type") == ConfigMapProtobuf.mediaType)
            let created = try ConfigMapProtobuf.meta(of: create.body)
            let createdVersion = try #require(created.resourceVersion)

            var read = try await fixture.get(path, headers: [("Accept", "application/json")])
            #expect(read.status == 200)
            #expect(read.header("Content-Type") == "application/json")
            #expect(KubeBody(read).data == ["encoding": "protobuf", "n": "1"])
            #expect(KubeBody(read).resourceVersion == createdVersion.description)
            #expect(KubeBody(read).uid == created.uid)
            var waits = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: 0)

            let update = try await fixture.client.request(
                "PUT", fixture.url(path), headers: headers,
                body: ConfigMapProtobuf.configMap(name: "typed", namespace: "ns-0", data: ["encoding": "protobuf", "n": "2"]))
            #expect(update.status == 200)
            let updated = try ConfigMapProtobuf.meta(of: update.body)
            read = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(KubeBody(read).item(named: "typed")?.data == ["encoding": "protobuf", "n": "2"])
            #expect(KubeBody(read).item(named: "typed")?.resourceVersion == updated.resourceVersion?.description)
            waits = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: waits)

            let deletion = try await fixture.client.request("DELETE", fixture.url(path), headers: [("Accept", headers[1].1)])
            #expect(deletion.status == 200)
            read = try await fixture.get(path)
            #expect(read.status == 404)
            #expect(KubeBody(read).reason == "NotFound")
            _ = Self.expectWaitedThenCached(read, fixture, Self.configMaps, waitsBefore: waits)
        }
    }

    /// The record is per resource: reads of a resource nobody wrote never wait, even while
    /// writes of another are pending.
    @Test func readsOfResourcesNobodyWroteNeverWait() async throws {
        try await ProxyFixture.with(Self.options(lag: .seconds(2))) { fixture in
            _ = try await fixture.createConfigMap("ns-0", "pending", data: ["k": "v"])
            #expect(fixture.kcache.proxy.writeRecords.pendingResources == 1)
            let get = try await fixture.get("/api/v1/namespaces/ns-1/pods/pod-1")
            let list = try await fixture.get("/api/v1/pods")
            #expect(get.status == 200 && KubeBody(get).name == "pod-1")
            #expect(Set(KubeBody(list).items.compactMap(\.name)) == ["pod-0", "pod-1"])
            #expect(KubeBody(list).items.count == 4)
            #expect(get.kcacheSource == "cache" && list.kcacheSource == "cache")
            let counters = fixture.statistics.counters(for: Self.pods)
            #expect(counters.waits == 0)
            #expect(counters.fallbacks == 0)
            // The configmap write is still pending, untouched by the pod reads.
            #expect(fixture.kcache.proxy.writeRecords.pendingResources == 1)
            #expect(fixture.statistics.counters(for: Self.configMaps).waits == 0)
        }
    }

    /// A dry-run write (`kubectl diff`, `--dry-run=server`) changes nothing: later reads
    /// neither wait nor go upstream (a dry-run create's answer has no resourceVersion, which
    /// would otherwise send them upstream).
    @Test func dryRunWritesDoNotHoldReads() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            let create = try await fixture.client.send(
                "POST", fixture.url("/api/v1/namespaces/ns-0/configmaps?dryRun=All"), json: ConfigMapJSON.body(name: "dry", data: ["k": "v"]))
            #expect(create.status == 201)
            #expect(KubeBody(create).resourceVersion == nil)
            let patch = try await fixture.client.send(
                "PATCH", fixture.url("/api/v1/namespaces/ns-0/configmaps/cm-0?dryRun=All"), json: #"{"data":{"feature":"dry"}}"#,
                contentType: "application/merge-patch+json")
            #expect(patch.status == 200)
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(list.kcacheSource == "cache")
            #expect(KubeBody(list).items.compactMap(\.name) == ["cm-0", "cm-1"])
            #expect(KubeBody(list).item(named: "cm-0")?.data?["feature"] == "enabled")
            let counters = fixture.statistics.counters(for: Self.configMaps)
            #expect(counters.waits == 0 && counters.fallbacks == 0)
            #expect(fixture.kcache.proxy.writeRecords.pendingResources == 0)
        }
    }

    /// A write whose answer tells nothing (DeleteCollection) sends reads of that resource
    /// upstream for `--ryw-timeout`, each counted as a fallback.
    @Test func aDeleteCollectionSendsReadsUpstream() async throws {
        try await ProxyFixture.with(Self.options()) { fixture in
            let deletion = try await fixture.client.request("DELETE", fixture.url("/api/v1/namespaces/ns-0/configmaps"))
            #expect(deletion.status == 200)
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(list.status == 200)
            #expect(list.kcacheSource == "upstream")
            #expect(KubeBody(list).items.isEmpty, "both configmaps were deleted: \(list.text)")
            let get = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0")
            #expect(get.status == 404 && get.kcacheSource == "upstream")
            let counters = fixture.statistics.counters(for: Self.configMaps)
            #expect(counters.fallbacks == 2)
            #expect(counters.waits == 0)
        }
    }
}
