import KubeAPI

/// Scenario `memory` (also issue 3's "memory per cached object"): how much a `kcache serve`
/// process grows to cache 100,000 configmaps of ~2 KB with its default history settings.
///
/// Each round starts a fresh kcache with nothing cached (cache-on-demand), lets it settle and
/// reads `VmRSS` from `/proc/<pid>/status`; a LIST then starts caching configmaps; once the
/// LIST is answered from the cache, `--churn-events` updates are written upstream (so the
/// history holds events, as it would in a live cluster), kcache is waited for until it has
/// applied them, left to settle, and `VmRSS` is read again. The JSON bytes are those of the
/// objects as kcache serves them (its LIST body). Target (issue 8): growth ≤ 1.3 × JSON bytes +
/// 200 B per object.
struct MemoryScenario {
    var objects: Int
    var objectBytes: Int
    var churnEvents: Int
    var settle: Duration = .seconds(2)

    func run(_ context: BenchContext) async throws -> ScenarioReport {
        try await withTeardown { teardown in
            let sim = try await SimCluster.start(objects: objects, objectBytes: objectBytes, progress: context.progress)
            teardown.add { await sim.stop() }
            var growth: [Double] = []
            var cacheBytes: [Double] = []
            var jsonBytes = 0
            var sequence = 0
            // Rounds are not interleaved with anything: the reference is the objects' size.
            for round in 1...context.runs {
                let kcache = try await KcacheProcess.start(
                    executable: context.kcache, upstream: sim.baseURL, arguments: [], work: context.work, label: "memory-\(round)")
                do {
                    try await kcache.waitReady()
                    try await Task.sleep(for: settle)
                    let before = try kcache.residentBytes()
                    let start = ContinuousClock.now
                    try await kcache.waitCached("/api/v1/configmaps")
                    let synced = ContinuousClock.now - start
                    for _ in 0..<churnEvents {
                        sequence += 1
                        let namespace = sim.namespaces[sequence % sim.namespaces.count]
                        try sim.write(namespace: namespace, name: "cm-\(sequence % (sim.objects / sim.namespaces.count))",
                                      marker: "kcache-bench-churn", sequence: sequence)
                    }
                    let target = Double(sim.sim.currentResourceVersion.value)
                    try await waitUntil(kcache, reaches: target)
                    try await Task.sleep(for: settle)
                    let after = try kcache.residentBytes()
                    let metrics = try await kcache.metrics()
                    cacheBytes.append(KcacheProcess.sum(metrics, "kcache_cache_bytes", labels: [#"resource="configmaps""#]))
                    if jsonBytes == 0 {
                        // After the reading: a LIST's transient buffers must not count.
                        jsonBytes = try await BenchConnection.with(port: kcache.port) { try await $0.get("/api/v1/configmaps") }.bodyBytes
                    }
                    growth.append(Double(after - before))
                    context.progress("round \(round): RSS \(Format.bytes(Double(before))) → \(Format.bytes(Double(after))) "
                        + "(synced in \(Format.duration(Stats.seconds(synced))), \(churnEvents) updates applied)")
                    await kcache.kill()
                } catch {
                    await kcache.kill()
                    throw error
                }
            }

            let count = Double(sim.objects)
            let json = Double(jsonBytes)
            let budget = 1.3 * json + 200 * count
            let measured = Stats.median(growth)
            var report = ScenarioReport(
                scenario: Scenario.memory.rawValue,
                command: context.command(.memory, ["--objects", String(objects), "--object-bytes", String(objectBytes),
                                                   "--churn-events", String(churnEvents)]))
            report.parameters = [
                "objects": String(sim.objects), "object bytes": "~\(sim.objectBytes)", "churn updates": String(churnEvents),
                "history": "kcache defaults (10m window, 256 MiB)",
            ]
            report.add(
                "RSS growth caching \(Format.grouped(count)) objects vs their JSON bytes", measured: measured,
                measuredText: Format.Unit.bytes.format(measured, spread: Stats.spreadPercent(growth)), reference: json,
                referenceText: Format.bytes(json), ratio: measured / json, target: "≤ 1.3× + 200 B/object (≤ \(Format.bytes(budget)))",
                verdict: measured <= budget ? .pass : .miss, unit: "bytes", samples: growth)
            report.add(
                "memory per cached object (RSS growth ÷ objects) vs JSON bytes per object", measured: measured / count,
                measuredText: Format.bytes(measured / count), reference: json / count, referenceText: Format.bytes(json / count),
                ratio: measured / json, target: "≤ \(Format.bytes(budget / count))", verdict: .info, unit: "bytes",
                samples: growth.map { $0 / count })
            if let accounted = cacheBytes.first {
                report.notes.append("kcache_cache_bytes{resource=\"configmaps\"}: \(Format.bytes(accounted)) "
                    + "(\(Format.ratio(accounted / json)) the JSON bytes)")
            }
            report.notes.append("RSS includes what glibc's malloc keeps after the paged LIST; the history holds "
                + "\(churnEvents) update events (each with the object's previous state)")
            return report
        }
    }

    /// Waits until kcache's configmaps cache has reached resourceVersion `target`.
    private func waitUntil(_ kcache: KcacheProcess, reaches target: Double) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let metrics = try await kcache.metrics()
            if KcacheProcess.sum(metrics, "kcache_cache_resource_version", labels: [#"resource="configmaps""#]) >= target { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcess.SpawnError(description: "kcache did not reach resourceVersion \(Int(target)); log:\n\(kcache.process.logTail())")
    }
}
