import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// `--consistency strict`, reads that name a resourceVersion (the same in every mode), and the
/// multi-replica recipe. KubeSim's watch lags so that kcache's cache is provably behind the
/// upstream: an answer that is fresh despite the lag came from the upstream or from a wait.
@Suite struct ConsistencyModesTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    static func options(_ mode: ConsistencyMode, lag: Duration) -> ProxyFixture.Options {
        var options = ProxyFixture.Options()
        options.consistency = mode
        options.resources = ["configmaps"]
        options.seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 2, podsPerNamespace: 0, nodes: 0)
        options.watchEventDelay = lag
        return options
    }

    static func count(_ sim: KubeSim, _ verb: String) -> Int {
        sim.counters.count(verb: verb, resource: "configmaps")
    }

    // MARK: strict

    @Test func strictAnswersMostRecentReadsUpstreamAndResourceVersionZeroFromTheCache() async throws {
        try await ProxyFixture.with(Self.options(.strict, lag: .seconds(2))) { fixture in
            let sim = fixture.sim
            let written = try await fixture.createConfigMap("ns-0", "strict", data: ["mode": "strict"])

            // Without a resourceVersion: the upstream answers, fresh although the cache lags.
            let getsBefore = Self.count(sim, "get")
            let get = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/strict")
            #expect(get.status == 200 && get.kcacheSource == "upstream")
            #expect(KubeBody(get).data == ["mode": "strict"])
            #expect(KubeBody(get).resourceVersion == String(written.resourceVersion))
            #expect(Self.count(sim, "get") == getsBefore + 1)
            let listsBefore = Self.count(sim, "list")
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps")
            #expect(list.kcacheSource == "upstream")
            #expect(KubeBody(list).items.compactMap(\.name) == ["cm-0", "cm-1", "strict"])
            #expect(Self.count(sim, "list") == listsBefore + 1)

            // resourceVersion=0 ("any"): the cache answers, as it is.
            let countersBefore = sim.counters.snapshot
            let cachedGet = try await fixture.get("/api/v1/namespaces/ns-1/configmaps/cm-1?resourceVersion=0")
            #expect(cachedGet.status == 200 && cachedGet.kcacheSource == "cache")
            #expect(KubeBody(cachedGet).data?["feature"] == "disabled")
            let cachedList = try await fixture.get("/api/v1/namespaces/ns-1/configmaps?resourceVersion=0")
            #expect(cachedList.kcacheSource == "cache")
            #expect(KubeBody(cachedList).items.compactMap(\.name) == ["cm-0", "cm-1"])
            #expect(sim.counters.snapshot == countersBefore, "nothing reached the upstream")

            // A watch without a resourceVersion is served from the cache.
            let watch = try await fixture.watch("/api/v1/namespaces/ns-1/configmaps?watch=1")
            defer { watch.close() }
            #expect(watch.status == 200 && watch.header("X-Kcache-Source") == "cache")
            let initial = try await watch.next(2)
            #expect(initial.map(\.type) == ["ADDED", "ADDED"])
            #expect(initial.compactMap(\.name).sorted() == ["cm-0", "cm-1"])
            #expect(sim.counters.snapshot == countersBefore, "nothing reached the upstream")

            let statistics = fixture.statistics.counters(for: Self.configMaps)
            #expect(statistics.waits == 0 && statistics.fallbacks == 0)
        }
    }

    /// client-go 1.35 opens informers with a WatchList; strict mode refuses it with `422` when
    /// it names no resourceVersion, and the client's fallback (LIST "0", then WATCH from the
    /// list's RV) is served from the cache.
    @Test func strictRefusesAWatchListWithoutAResourceVersionAndServesTheFallback() async throws {
        try await ProxyFixture.with(Self.options(.strict, lag: .zero)) { fixture in
            let sim = fixture.sim
            let countersBefore = sim.counters.snapshot
            let watchList = try await fixture.get(
                "/api/v1/namespaces/ns-0/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                    + "&allowWatchBookmarks=true&resourceVersion=")
            #expect(watchList.status == 422)
            let status = KubeBody(watchList)
            #expect(status.json["kind"] as? String == "Status")
            #expect(status.reason == "Invalid")
            #expect(status.json["code"] as? Int == 422)
            #expect((status.json["message"] as? String)?.hasPrefix(#"ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: "#) == true)
            let causes = (status.json["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
            #expect(causes.map { $0["field"] as? String } == ["sendInitialEvents"])

            // The fallback: LIST with resourceVersion=0, then WATCH from the list's RV.
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?resourceVersion=0&limit=500")
            #expect(list.status == 200 && list.kcacheSource == "cache")
            #expect(KubeBody(list).items.compactMap(\.name) == ["cm-0", "cm-1"])
            let listVersion = try #require(KubeBody(list).resourceVersion)
            let watch = try await fixture.watch(
                "/api/v1/namespaces/ns-0/configmaps?watch=1&resourceVersion=\(listVersion)&allowWatchBookmarks=true&timeoutSeconds=30")
            defer { watch.close() }
            #expect(watch.status == 200 && watch.header("X-Kcache-Source") == "cache")
            #expect(sim.counters.snapshot == countersBefore, "the 422, the LIST and the WATCH were all kcache's")

            let written = try await fixture.createConfigMap("ns-0", "after-fallback", data: ["via": "watch"])
            let event = try #require(try await watch.first(timeout: .seconds(10)) { $0.type != "BOOKMARK" })
            #expect(event.type == "ADDED")
            #expect(event.name == "after-fallback")
            #expect(event.resourceVersion == String(written.resourceVersion))
            #expect(event.object["data"] as? [String: String] == ["via": "watch"])
        }
    }

    /// The same fallback driven by the official Python client: its WatchList request gets
    /// `422`, its LIST "0" and WATCH are answered by the cache.
    @Test func strictWithThePythonClient() async throws {
        guard let python = await Self.pythonWithKubernetesClient() else { return }
        try await ProxyFixture.with(Self.options(.strict, lag: .zero)) { fixture in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-ryw-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let script = directory.appendingPathComponent("strict_fallback.py").path
            try Self.pythonScript.write(toFile: script, atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = directory.path
            environment["KUBECONFIG"] = directory.path + "/kubeconfig"
            for name in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] { environment[name] = nil }
            environment["NO_PROXY"] = "127.0.0.1,localhost"

            let countersBefore = fixture.sim.counters.snapshot
            let result = try await ProcessRunner.run(
                python, [script, fixture.baseURL, "ns-1", "from-python"], environment: environment)
            #expect(result.status == 0, "\(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            try #require(lines.count >= 3, "\(result.standardOutput)\n\(result.standardError)")
            #expect(lines[0]["watchList"] as? Int == 422)
            #expect(lines[0]["reason"] as? String == "Invalid")
            #expect((lines[1]["list"] as? [String: Any])?.keys.sorted() == ["cm-0", "cm-1"])
            let seeded = (lines[1]["list"] as? [String: [String: String]])?["cm-1"]
            #expect(seeded?["feature"] == "disabled")
            let last = try #require(lines.last)
            #expect(last["type"] as? String == "ADDED")
            #expect(last["name"] as? String == "from-python")
            #expect(last["data"] as? [String: String] == ["written": "by-python"])
            let after = fixture.sim.counters.snapshot
            for verb in ["list", "watch", "get"] {
                let key = RequestCounters.Key(verb: verb, resource: "configmaps")
                #expect(after[key, default: 0] == countersBefore[key, default: 0], "the client's \(verb) was kcache's: \(after)")
            }
        }
    }

    /// Tries a WatchList (client-go's first move), then falls back to LIST "0" and a WATCH
    /// from the list's RV, creating a configmap in between; prints one JSON line per step.
    static let pythonScript = #"""
        import json, sys
        from kubernetes import client, watch
        from kubernetes.client.rest import ApiException

        configuration = client.Configuration()
        configuration.host = sys.argv[1]
        api = client.CoreV1Api(client.ApiClient(configuration))
        namespace, created = sys.argv[2], sys.argv[3]

        try:
            response = api.list_namespaced_config_map(
                namespace, watch=True, send_initial_events=True, resource_version_match="NotOlderThan",
                allow_watch_bookmarks=True, resource_version="", timeout_seconds=5, _preload_content=False)
            print(json.dumps({"watchList": response.status}), flush=True)
            response.release_conn()
        except ApiException as error:
            print(json.dumps({"watchList": error.status, "reason": json.loads(error.body).get("reason")}), flush=True)

        listed = api.list_namespaced_config_map(namespace, resource_version="0")
        print(json.dumps({"list": {item.metadata.name: item.data for item in listed.items},
                          "resourceVersion": listed.metadata.resource_version}), flush=True)
        api.create_namespaced_config_map(namespace, {"metadata": {"name": created}, "data": {"written": "by-python"}})
        stream = watch.Watch().stream(api.list_namespaced_config_map, namespace,
                                      resource_version=listed.metadata.resource_version, timeout_seconds=30)
        for event in stream:
            item = event["object"]
            print(json.dumps({"type": event["type"], "name": item.metadata.name, "data": item.data}), flush=True)
            if item.metadata.name == created:
                break
        """#

    /// The first `python3` on `PATH`, when `import kubernetes` works in it; otherwise prints why
    /// the test skips and returns nil.
    static func pythonWithKubernetesClient(test: String = #function) async -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/python3" }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("\(test): skipping, python3 is not installed")
            return nil
        }
        guard let result = try? await ProcessRunner.run(python, ["-c", "import kubernetes"]) else {
            print("\(test): skipping, python3 could not be run")
            return nil
        }
        guard result.status == 0 else {
            print("\(test): skipping, `import kubernetes` fails (pip install kubernetes)")
            return nil
        }
        return python
    }

    // MARK: Reads naming a resourceVersion, in every mode

    @Test(arguments: ConsistencyMode.allCases)
    func aReadNamingAnRVTheCacheLacksGoesUpstreamAfterTheWait(_ mode: ConsistencyMode) async throws {
        #expect(Router.Configuration().resourceVersionWait == .seconds(3), "the API server's 3 s")
        // A lag far beyond the test's own duration, however slow the machine: the cache must
        // still be behind when each read is made.
        var options = Self.options(mode, lag: .seconds(15))
        options.resourceVersionWait = .milliseconds(300)
        try await ProxyFixture.with(options) { fixture in
            // Written behind kcache's back: no write record, only the RV the client names.
            let written = try Written(simAnswer: try fixture.sim.create(
                Self.configMaps, namespace: "ns-0", json: Array(ConfigMapJSON.body(name: "ahead", data: ["k": "ahead"]).utf8)))
            let clock = ContinuousClock()
            var start = clock.now
            let get = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/ahead?resourceVersion=\(written.resourceVersion)")
            #expect(clock.now - start >= .milliseconds(300), "waited for the cache first")
            #expect(get.status == 200 && get.kcacheSource == "upstream")
            #expect(KubeBody(get).data == ["k": "ahead"])
            start = clock.now
            let list = try await fixture.get(
                "/api/v1/namespaces/ns-0/configmaps?resourceVersion=\(written.resourceVersion)&resourceVersionMatch=NotOlderThan")
            #expect(clock.now - start >= .milliseconds(300))
            #expect(list.kcacheSource == "upstream")
            #expect(KubeBody(list).item(named: "ahead")?.data == ["k": "ahead"])

            // Beyond the upstream too: the upstream decides (504 ResourceVersionTooLarge).
            let tooLarge = try await fixture.get(
                "/api/v1/namespaces/ns-0/configmaps/cm-0?resourceVersion=\(written.resourceVersion + 1000)")
            #expect(tooLarge.status == 504 && tooLarge.kcacheSource == "upstream")
            #expect(KubeBody(tooLarge).reason == "Timeout")
            let causes = (KubeBody(tooLarge).json["details"] as? [String: Any])?["causes"] as? [[String: Any]]
            #expect(causes?.first?["reason"] as? String == "ResourceVersionTooLarge")
            #expect(tooLarge.header("Retry-After") == "1")
        }
    }

    @Test(arguments: ConsistencyMode.allCases)
    func aReadNamingAnRVTheCacheReachesWithinTheWaitIsAnsweredFromTheCache(_ mode: ConsistencyMode) async throws {
        try await ProxyFixture.with(Self.options(mode, lag: .milliseconds(400))) { fixture in
            let written = try Written(simAnswer: try fixture.sim.create(
                Self.configMaps, namespace: "ns-1", json: Array(ConfigMapJSON.body(name: "soon", data: ["k": "soon"]).utf8)))
            let countersBefore = fixture.sim.counters.snapshot
            let get = try await fixture.get("/api/v1/namespaces/ns-1/configmaps/soon?resourceVersion=\(written.resourceVersion)")
            #expect(get.status == 200 && get.kcacheSource == "cache")
            #expect(KubeBody(get).data == ["k": "soon"])
            #expect(KubeBody(get).resourceVersion == String(written.resourceVersion))
            let list = try await fixture.get(
                "/api/v1/namespaces/ns-1/configmaps?resourceVersion=\(written.resourceVersion)&resourceVersionMatch=NotOlderThan")
            #expect(list.kcacheSource == "cache")
            #expect(KubeBody(list).items.compactMap(\.name) == ["cm-0", "cm-1", "soon"])
            #expect(fixture.sim.counters.snapshot == countersBefore, "nothing reached the upstream")
        }
    }

    // MARK: Several replicas

    /// A client spread over two kcache replicas writes through one and reads through the
    /// other, sending the RV it wrote: the second replica, which saw no write, waits for it.
    @Test func theMultiReplicaRecipe() async throws {
        var options = Self.options(.readYourWrites, lag: .seconds(2))
        options.seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(options) { fixture in
            try await fixture.withReplica { replica in
                let client = fixture.client
                let objectPath = "/api/v1/namespaces/ns-0/configmaps/spread"
                let created = try await fixture.createConfigMap("ns-0", "spread", data: ["step": "created"])

                // Without the RV the other replica knows nothing of the write: a stale read.
                let unaware = try await client.request("GET", replica.baseURL + objectPath)
                #expect(unaware.status == 404 && unaware.kcacheSource == "cache")

                // With it: fresh, from that replica's cache once it has caught up.
                let rv = created.resourceVersion
                let get = try await client.request("GET", replica.baseURL + objectPath + "?resourceVersion=\(rv)&resourceVersionMatch=NotOlderThan")
                #expect(get.status == 200 && get.kcacheSource == "cache")
                #expect(KubeBody(get).data == ["step": "created"])
                #expect(KubeBody(get).resourceVersion == String(rv))

                let updated = try await fixture.updateConfigMap("ns-0", "spread", data: ["step": "updated"])
                let list = try await client.request(
                    "GET", replica.baseURL + "/api/v1/namespaces/ns-0/configmaps?resourceVersion=\(updated.resourceVersion)&resourceVersionMatch=NotOlderThan")
                #expect(list.kcacheSource == "cache")
                #expect(KubeBody(list).item(named: "spread")?.data == ["step": "updated"])
                #expect(KubeBody(list).items.compactMap(\.name) == ["cm-0", "spread"])
                let watch = try await fixture.client.watch(
                    replica.baseURL + "/api/v1/namespaces/ns-0/configmaps?watch=1&sendInitialEvents=true"
                        + "&resourceVersionMatch=NotOlderThan&resourceVersion=\(updated.resourceVersion)")
                defer { watch.close() }
                #expect(watch.header("X-Kcache-Source") == "cache")
                let initial = try await watch.next(3)
                #expect(initial.map(\.type) == ["ADDED", "ADDED", "BOOKMARK"])
                #expect(initial.first { $0.name == "spread" }?.object["data"] as? [String: String] == ["step": "updated"])

                // The replica's waits were for named RVs, not write records: none counted.
                let counters = replica.statistics.counters(for: Self.configMaps)
                #expect(counters.waits == 0 && counters.fallbacks == 0)
                #expect(replica.proxy.writeRecords.pendingResources == 0)
            }
        }
    }
}
