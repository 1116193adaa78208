import Foundation

/// Scenario `get-wrk`: GET of one ~2 KB configmap from kcache's cache under wrk (2 threads,
/// 64 keep-alive connections, 5 s) against nginx serving a static file holding the same bytes
/// (the body kcache answered). wrk runs alternate kcache, nginx, nginx, kcache … after a 1 s
/// warm-up of each. Target (issue 8): kcache's requests/s ≥ 0.7× nginx's.
struct GetWrkScenario {
    var objects: Int
    var objectBytes: Int
    var wrk: Wrk

    func run(_ context: BenchContext) async throws -> ScenarioReport {
        try await withTeardown { teardown in
            let sim = try await SimCluster.start(objects: objects, objectBytes: objectBytes, progress: context.progress)
            teardown.add { await sim.stop() }
            let kcache = try await KcacheProcess.start(in: sim, context: context, label: "get", teardown: teardown)
            let path = "/api/v1/namespaces/\(sim.namespaces[0])/configmaps/cm-0"
            let answer = try await BenchConnection.with(port: kcache.port) { try await $0.get(path, keepBody: true) }
            guard answer.status == 200, answer.source == "cache", let body = answer.body else {
                throw ChildProcess.SpawnError(description: "kcache GET answered \(answer.status) from \(answer.source ?? "?")")
            }
            let root = context.work.file("www")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try Data(body).write(to: URL(fileURLWithPath: root + "/object.json"))
            let nginx = try await Nginx.start(serving: root, in: context.work)
            teardown.add { await nginx.stop() }

            // wrk, kcache and nginx share the machine's cores; whichever server is not under load
            // sits idle, so each round measures one server with the same client.
            let urls = [("kcache", kcache.baseURL + path), ("nginx", nginx.url("object.json"))]
            var warmUp = wrk
            warmUp.duration = .seconds(1)
            // A first run pays for connection setup, page faults and nginx's file cache; not counted.
            for (name, url) in urls { _ = try await warmUp.run(url, work: context.work, label: "\(name)-warmup") }
            context.progress("wrk -t\(wrk.threads) -c\(wrk.connections) -d\(Int(Stats.seconds(wrk.duration)))s, "
                + "\(context.runs) rounds of kcache and nginx interleaved (~\(Int(Stats.seconds(wrk.duration)) * 2 * context.runs) s)")
            var failures: [String: Int] = [:]
            var p99: [String: [Double]] = [:]
            var round = 0
            let samples = try await Interleaving(runs: context.runs).run(urls) { name, url in
                round += 1
                let result = try await wrk.run(url, work: context.work, label: "\(name)-\(round)")
                // A server answering errors fast would look fast: failures are reported beside the rate.
                failures[name, default: 0] += result.failures
                if let latency = result.p99Latency { p99[name, default: []].append(latency) }
                return result.requestsPerSecond
            }

            var report = ScenarioReport(
                scenario: Scenario.getWrk.rawValue,
                command: context.command(.getWrk, ["--wrk-seconds", String(Int(Stats.seconds(wrk.duration))),
                                                   "--wrk-connections", String(wrk.connections)]))
            report.parameters = [
                "object": "\(body.count) B", "wrk": "-t\(wrk.threads) -c\(wrk.connections) -d\(Int(Stats.seconds(wrk.duration)))s",
            ]
            report.compare("GET one object (\(body.count) B), keep-alive, \(wrk.connections) connections: kcache vs nginx",
                           measured: samples[0], reference: samples[1], unit: .requestsPerSecond, target: .atLeast(0.7))
            if let kcacheP99 = p99["kcache"], let nginxP99 = p99["nginx"] {
                report.compare("GET p99 latency under that load (wrk): kcache vs nginx", measured: kcacheP99,
                               reference: nginxP99, unit: .seconds, target: .info)
            }
            for (name, count) in failures.sorted(by: { $0.key < $1.key }) where count > 0 {
                report.notes.append("\(name): \(count) failed requests (non-2xx or socket errors) — see wrk logs")
            }
            if failures["kcache", default: 0] > 0 {
                report.rows[0].verdict = .miss
                report.rows[0].note = "kcache answered errors under load; its rate does not count"
            }
            return report
        }
    }
}
