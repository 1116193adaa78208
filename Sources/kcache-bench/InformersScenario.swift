/// Scenario `informers`: what 50 identical informers cost the upstream, through kcache and
/// directly, counted by KubeSim's request counters.
///
/// An informer here does what client-go's reflector does on start: `LIST ?limit=500&
/// resourceVersion=0`, then `WATCH ?allowWatchBookmarks=true&resourceVersion=<list RV>`; all 50
/// start at once. Each is proven live by one upstream write that every informer must receive.
/// Four passes, each from zeroed counters: through a kcache that caches configmaps from the
/// start (`--resources configmaps`, counted from kcache's own start, so its reflector's LIST and
/// WATCH count); report only, through a running kcache that caches them on demand (the
/// informers' first LIST starts it) and through a kcache the informers reach as it starts
/// (discovery still in flight); and directly against KubeSim (the reference). Target (issue 8):
/// one LIST and one WATCH per resource through kcache.
struct InformersScenario {
    var objects: Int
    var objectBytes: Int
    var informers: Int

    static let marker = "kcache-bench-informer"

    struct Pass {
        var lists = 0
        var watches = 0
        var other = 0
        var seconds = 0.0
    }

    func run(_ context: BenchContext) async throws -> ScenarioReport {
        try await withTeardown { teardown in
            let sim = try await SimCluster.start(objects: objects, objectBytes: objectBytes, progress: context.progress)
            teardown.add { await sim.stop() }
            var sequence = 0

            /// `warm`: count only from when kcache serves another kind from its cache (discovery done).
            func pass(_ label: String, kcacheArguments: [String]?, warm: Bool = false) async throws -> Pass {
                sim.sim.counters.reset()
                var kcache: KcacheProcess?
                if let kcacheArguments {
                    kcache = try await KcacheProcess.start(in: sim, context: context, label: label, teardown: teardown,
                                                           arguments: kcacheArguments)
                }
                if warm, let kcache {
                    try await kcache.waitCached("/api/v1/namespaces")
                    sim.sim.counters.reset()
                }
                let port = kcache?.port ?? sim.port
                let start = ContinuousClock.now
                let watches = try await startInformers(port: port)
                let synced = ContinuousClock.now - start
                sequence += 1
                try sim.write(namespace: sim.namespaces[0], name: "cm-0", marker: Self.marker, sequence: sequence)
                try await FanoutScenario.waitForAll(watches, sequence: sequence, timeout: .seconds(30))
                await FanoutScenario.close(watches)
                var result = Pass(seconds: Stats.seconds(synced))
                for (key, count) in sim.sim.counters.snapshot {
                    switch (key.verb, key.resource) {
                    case ("list", "configmaps"): result.lists += count
                    case ("watch", "configmaps"): result.watches += count
                    default: result.other += count
                    }
                }
                await kcache?.kill()
                context.progress("\(label): \(result.lists) LIST + \(result.watches) WATCH of configmaps upstream, "
                    + "\(result.other) other requests; \(informers) informers synced in \(Format.duration(result.seconds))")
                return result
            }

            let cached = try await pass("through kcache", kcacheArguments: ["--resources", "configmaps"])
            let onDemand = try await pass("through kcache, on demand", kcacheArguments: [], warm: true)
            let burst = try await pass("through kcache as it starts", kcacheArguments: [])
            let direct = try await pass("direct", kcacheArguments: nil)

            var report = ScenarioReport(
                scenario: Scenario.informers.rawValue,
                command: context.command(.informers, ["--informers", String(informers), "--objects", String(objects)]))
            report.parameters = [
                "informers": String(informers), "objects": String(sim.objects), "resource": "configmaps",
                "informer": "LIST ?limit=500&resourceVersion=0, then WATCH ?allowWatchBookmarks=true&resourceVersion=<list RV>",
            ]
            let name = "\(informers) informers"
            let passes = cached.lists <= 1 && cached.watches <= 1 && cached.lists + cached.watches >= 1
            report.add("\(name): upstream LIST + WATCH, via kcache (--resources) vs direct",
                       measured: Double(cached.lists + cached.watches), measuredText: "\(cached.lists) LIST + \(cached.watches) WATCH",
                       reference: Double(direct.lists + direct.watches), referenceText: "\(direct.lists) LIST + \(direct.watches) WATCH",
                       ratio: Double(cached.lists + cached.watches) / Double(max(1, direct.lists + direct.watches)),
                       target: "1 LIST + 1 WATCH per resource", verdict: passes ? .pass : .miss, unit: "count",
                       note: "counted from kcache's start: its reflector's initial LIST/WATCH included; \(cached.other) other upstream requests (discovery)")
            for (variant, result, note) in [
                (onDemand, "via kcache caching on demand (running, discovery done)", "LISTs that arrive before the on-demand cache has synced go upstream, by design"),
                (burst, "via kcache reached as it starts (discovery in flight)", "requests that arrive before discovery has answered are passed through; a passed-through WATCH stays on the upstream until it ends"),
            ].map({ ($0.1, $0.0, $0.2) }) {
                report.add("\(name): upstream LIST + WATCH, \(variant) vs direct",
                           measured: Double(result.lists + result.watches), measuredText: "\(result.lists) LIST + \(result.watches) WATCH",
                           reference: Double(direct.lists + direct.watches), referenceText: "\(direct.lists) LIST + \(direct.watches) WATCH",
                           ratio: Double(result.lists + result.watches) / Double(max(1, direct.lists + direct.watches)),
                           target: "report only", verdict: .info, unit: "count", note: note)
            }
            report.add("\(name): time until all watch, via kcache (--resources) vs direct", measured: cached.seconds,
                       measuredText: Format.duration(cached.seconds), reference: direct.seconds,
                       referenceText: Format.duration(direct.seconds), ratio: cached.seconds / direct.seconds,
                       target: "report only", verdict: .info, unit: "s", note: "one pass each, not interleaved")
            return report
        }
    }

    /// Starts `informers` informers at once; returns their open watches.
    private func startInformers(port: Int) async throws -> [WatchConnection] {
        try await withThrowingTaskGroup(of: WatchConnection.self) { group in
            for _ in 0..<informers {
                group.addTask {
                    let resourceVersion = try await BenchConnection.with(port: port) { connection in
                        let list = try await connection.get("/api/v1/configmaps?limit=500&resourceVersion=0", keepBody: true)
                        guard list.status == 200 else {
                            throw BenchConnection.ConnectionError(description: "informer LIST answered \(list.status)")
                        }
                        return FanoutScenario.resourceVersion(in: list.body ?? [])
                    }
                    return try await WatchConnection.open(
                        port: port, target: "/api/v1/configmaps?allowWatchBookmarks=true&resourceVersion=\(resourceVersion)"
                            + "&timeoutSeconds=600&watch=true", marker: Self.marker)
                }
            }
            var watches: [WatchConnection] = []
            for try await watch in group { watches.append(watch) }
            return watches
        }
    }
}
