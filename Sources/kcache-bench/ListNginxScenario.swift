import Foundation

/// Scenario `list-nginx`: a LIST of every configmap (10,000 of ~2 KB) answered from kcache's
/// cache, timed against nginx serving **the same bytes** as a static file — the body kcache
/// answered, written to disk once — and, for information, the same LIST straight from KubeSim
/// and through `kubectl proxy` in front of KubeSim.
///
/// One client for all (`BenchConnection`: kept-alive, reads and counts every byte, no gzip
/// asked), rounds interleaved, each sample the mean of enough LISTs to last `--min-time-ms`.
/// Target (issue 8): kcache's time ≤ 1.5× nginx's.
struct ListNginxScenario {
    var objects: Int
    var objectBytes: Int

    static let path = "/api/v1/configmaps"

    func run(_ context: BenchContext) async throws -> ScenarioReport {
        try await withTeardown { teardown in
            let sim = try await SimCluster.start(objects: objects, objectBytes: objectBytes, progress: context.progress)
            teardown.add { await sim.stop() }
            let kcache = try await KcacheProcess.start(in: sim, context: context, label: "list", teardown: teardown)

            // The reference serves exactly what kcache answered.
            let answer = try await BenchConnection.with(port: kcache.port) { try await $0.get(Self.path, keepBody: true) }
            guard answer.status == 200, answer.source == "cache", let body = answer.body else {
                throw ChildProcess.SpawnError(description: "kcache LIST answered \(answer.status) from \(answer.source ?? "?")")
            }
            let root = context.work.file("www")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try Data(body).write(to: URL(fileURLWithPath: root + "/configmaps.json"))
            let nginx = try await Nginx.start(serving: root, in: context.work)
            teardown.add { await nginx.stop() }
            let proxy = try await KubectlProxy.start(upstream: sim.baseURL, work: context.work)
            if let proxy { teardown.add { await proxy.stop() } }

            /// One server answering the same LIST, on its own kept-alive connection.
            struct Target {
                var name: String
                var connection: BenchConnection
                var path: String
                var expectCache = false
            }
            var targets = [
                Target(name: "kcache", connection: try await BenchConnection.connect(port: kcache.port), path: Self.path, expectCache: true),
                Target(name: "nginx", connection: try await BenchConnection.connect(port: nginx.port), path: "/configmaps.json"),
                Target(name: "KubeSim", connection: try await BenchConnection.connect(port: sim.port), path: Self.path),
            ]
            if let proxy {
                targets.append(Target(name: "kubectl proxy", connection: try await BenchConnection.connect(port: proxy.port), path: Self.path))
            }
            for target in targets { teardown.add { await target.connection.close() } }

            var sizes: [String: Int] = [:]
            for target in targets {
                let response = try await target.connection.get(target.path)
                guard response.status == 200, !target.expectCache || response.source == "cache" else {
                    throw ChildProcess.SpawnError(description: "\(target.name) answered \(response.status) (\(response.source ?? "-"))")
                }
                sizes[target.name] = response.bodyBytes
            }
            guard sizes["nginx"] == body.count else {
                throw ChildProcess.SpawnError(description: "nginx served \(sizes["nginx"] ?? 0) bytes, not kcache's \(body.count)")
            }
            context.progress("LIST body \(Format.bytes(Double(body.count))); timing \(targets.map(\.name).joined(separator: ", ")) interleaved")

            let timer = OperationTimer(minimumDuration: context.minimumDuration)
            let samples = try await Interleaving(runs: context.runs).run(targets) { target in
                try await timer.sample(target.name) {
                    let response = try await target.connection.get(target.path)
                    guard response.status == 200, response.bodyBytes == sizes[target.name],
                          !target.expectCache || response.source == "cache" else {
                        throw ChildProcess.SpawnError(description: "\(target.name): \(response.status), \(response.bodyBytes) bytes")
                    }
                }
            }

            var report = ScenarioReport(
                scenario: Scenario.listNginx.rawValue,
                command: context.command(.listNginx, ["--objects", String(objects), "--object-bytes", String(objectBytes)]))
            report.parameters = [
                "objects": String(sim.objects), "object bytes": "~\(sim.objectBytes)", "LIST body": Format.bytes(Double(body.count)),
            ]
            let label = "LIST \(Format.grouped(Double(sim.objects))) configmaps (~\(Format.bytes(Double(sim.objectBytes))))"
            report.compare("\(label): kcache vs nginx, same bytes", measured: samples[0], reference: samples[1],
                           unit: .seconds, target: .atMost(1.5))
            report.compare("\(label): kcache vs KubeSim direct", measured: samples[0], reference: samples[2],
                           unit: .seconds, target: .info)
            if proxy != nil {
                report.compare("\(label): kcache vs kubectl proxy → KubeSim", measured: samples[0], reference: samples[3],
                               unit: .seconds, target: .info)
            } else {
                report.notes.append("kubectl is not installed: no kubectl proxy row")
            }
            let throughput = Double(body.count) / Stats.median(samples[0])
            report.notes.append("kcache LIST throughput \(Format.bytes(throughput))/s; body bytes: "
                + targets.map { "\($0.name) \(Format.grouped(Double(sizes[$0.name] ?? 0)))" }.joined(separator: ", "))
            report.notes.append("iterations per sample: " + targets.map { "\($0.name) \(timer.iterations(of: $0.name))" }.joined(separator: ", "))
            return report
        }
    }
}
