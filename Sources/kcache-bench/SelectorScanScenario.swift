/// Scenario `selector-scan`: a LIST of every configmap (300,000 of ~1 KB) with a label
/// selector that matches none (`app=kcache-bench-none`; seeded objects have `app=app-0…4`),
/// against the same LIST without a selector, both from kcache's cache. The first must only look
/// at precomputed labels; the second writes every object's bytes. Target (issue 8): ≤ 0.1×.
///
/// Also reported: a selector that matches one object in five (`app=app-1`), for scale.
struct SelectorScanScenario {
    var objects: Int
    var objectBytes: Int

    func run(_ context: BenchContext) async throws -> ScenarioReport {
        try await withTeardown { teardown in
            // KubeSim's own history of the seed would only cost memory here.
            let sim = try await SimCluster.start(
                objects: objects, objectBytes: objectBytes, historyLimit: 1_000, progress: context.progress)
            teardown.add { await sim.stop() }
            let kcache = try await KcacheProcess.start(in: sim, context: context, label: "selector", teardown: teardown)
            let connection = try await BenchConnection.connect(port: kcache.port)
            teardown.add { await connection.close() }

            let cases = [
                ("none", "/api/v1/configmaps?labelSelector=app%3Dkcache-bench-none"),
                ("all", "/api/v1/configmaps"),
                ("one in five", "/api/v1/configmaps?labelSelector=app%3Dapp-1"),
            ]
            var sizes: [String: Int] = [:]
            for (name, path) in cases {
                let response = try await connection.get(path, keepBody: name == "none")
                guard response.status == 200, response.source == "cache" else {
                    throw ChildProcess.SpawnError(description: "\(path): \(response.status) from \(response.source ?? "-")")
                }
                if let body = response.body, String(decoding: body, as: UTF8.self).contains(#""items":[{"#) {
                    throw ChildProcess.SpawnError(description: "the selector matching none returned items")
                }
                sizes[name] = response.bodyBytes
            }
            context.progress("bodies: none \(sizes["none"] ?? 0) B, all \(Format.bytes(Double(sizes["all"] ?? 0))); timing interleaved")
            let timer = OperationTimer(minimumDuration: context.minimumDuration)
            let samples = try await Interleaving(runs: context.runs).run(cases) { name, path in
                try await timer.sample(name) {
                    let response = try await connection.get(path)
                    guard response.status == 200, response.source == "cache", response.bodyBytes > 0 else {
                        throw ChildProcess.SpawnError(description: "\(path): \(response.status)")
                    }
                }
            }

            var report = ScenarioReport(
                scenario: Scenario.selectorScan.rawValue,
                command: context.command(.selectorScan, ["--objects", String(objects), "--object-bytes", String(objectBytes)]))
            report.parameters = [
                "objects": String(sim.objects), "object bytes": "~\(sim.objectBytes)",
                "LIST body (no selector)": Format.bytes(Double(sizes["all"] ?? 0)),
            ]
            let label = "LIST \(Format.grouped(Double(sim.objects))) × ~\(Format.bytes(Double(sim.objectBytes)))"
            report.compare("\(label), label selector matching none vs no selector", measured: samples[0], reference: samples[1],
                           unit: .seconds, target: .atMost(0.1))
            report.compare("\(label), selector matching 1 in 5 vs no selector", measured: samples[2], reference: samples[1],
                           unit: .seconds, target: .info)
            report.notes.append("selector matching none: \(Format.grouped(Double(sim.objects) / Stats.median(samples[0]))) objects scanned/s")
            return report
        }
    }
}
