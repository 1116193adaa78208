import Foundation
import KubeAPI
import KubeProxy

/// `kcache-bench --scenario read-after-write`: what read-your-writes costs a client.
///
/// 1. Read after write. A client merge-patches its configmap and GETs it straight back on the
///    same kept-alive connection; the GET's latency is measured and its answer judged (does
///    it show the patch?). Targets, interleaved round by round in rotating order: kcache in
///    `read-your-writes` mode, kcache in `eventual` mode, and the upstream directly — each
///    behind a watch lagging 0 ms and 400 ms (KubeSim's `watchEventDelay`). The added latency
///    is read-your-writes' percentile minus eventual's; the fallbacks are reads that gave up
///    waiting after `--ryw-timeout` (1 s) and went upstream.
/// 2. Reads of a resource nobody writes (pods), through the read-your-writes kcache and the
///    eventual one alternately, while configmap writes through the read-your-writes one keep
///    a write record pending: the p99s must be within 0.2 ms of each other, and no pod read
///    may wait.
///
/// The client is a blocking socket on this thread (`ReadAfterWriteConnection`), so it takes no
/// thread from the servers under test.
struct ReadAfterWriteScenario {
    var pairs: Int
    var unwrittenReads: Int
    var warmUpPairs = 20

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
    /// The largest p99 difference between read-your-writes and eventual for unwritten reads.
    static let unwrittenBudget: Duration = .microseconds(200)

    /// Where write→read pairs go, and what they measured.
    final class Target {
        let name: String
        let lag: Duration
        let connection: ReadAfterWriteConnection
        let statistics: ProxyStatistics?
        let object: String
        var latencies: [Duration] = []
        var stale = 0

        init(name: String, lag: Duration, port: Int, statistics: ProxyStatistics?, object: String) throws {
            self.name = name
            self.lag = lag
            connection = try ReadAfterWriteConnection(port: port)
            self.statistics = statistics
            self.object = object
        }

        var path: String { "/api/v1/namespaces/\(ReadAfterWriteEnvironment.namespace)/configmaps/\(object)" }
    }

    func run() throws {
        let lags: [Duration] = [.zero, .milliseconds(400)]
        let environment = try ReadAfterWriteEnvironment.start(lags: lags)
        defer { environment.stop() }

        var targets: [Target] = []
        for upstream in environment.upstreams {
            let lag = Self.milliseconds(upstream.lag)
            targets.append(try Target(
                name: "read-your-writes", lag: upstream.lag, port: upstream.readYourWrites.port,
                statistics: upstream.readYourWrites.proxy.statistics, object: "raw-ryw-\(lag)"))
            targets.append(try Target(
                name: "eventual", lag: upstream.lag, port: upstream.eventual.port,
                statistics: upstream.eventual.proxy.statistics, object: "raw-eventual-\(lag)"))
            targets.append(try Target(
                name: "direct upstream", lag: upstream.lag, port: upstream.sim.port, statistics: nil,
                object: "raw-upstream-\(lag)"))
        }
        for target in targets {
            let body = #"{"metadata":{"name":"\#(target.object)"},"data":{"n":"-1"}}"#
            let created = try target.connection.request(
                "POST", "/api/v1/namespaces/\(ReadAfterWriteEnvironment.namespace)/configmaps",
                headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            guard created.status == 201 else {
                throw ReadAfterWriteConnection.Failure(description: "create \(target.object): \(created.status)")
            }
        }

        print("kcache-bench read-after-write: \(pairs) write→read pairs per target (after \(warmUpPairs) warm-up), "
              + "targets interleaved in rotating order; lags \(lags.map { "\(Self.milliseconds($0)) ms" }.joined(separator: ", "))")
        for round in 0..<warmUpPairs {
            for target in targets { _ = try pair(target, round: -2 - round) }
        }
        let fallbacksBefore = targets.map { $0.statistics?.counters(for: Self.configMaps).fallbacks ?? 0 }
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<pairs {
            for offset in targets.indices {
                let target = targets[(offset + round) % targets.count]
                let (latency, fresh) = try pair(target, round: round)
                target.latencies.append(latency)
                if !fresh { target.stale += 1 }
            }
        }
        let duration = clock.now - start
        printPairs(targets, fallbacksBefore: fallbacksBefore)
        print("(read: the GET right after a merge-patch, on the same kept-alive connection; stale: it did not show the patch; "
              + "added: read-your-writes minus eventual, same lag; "
              + BenchmarkHarness.format(Self.nanoseconds(duration) / 1e9, decimals: 1) + " s for the pairs)")
        print("")
        try unwritten(environment)
    }

    /// One write→read pair: patch the target's configmap with `round`, then time a GET of it.
    private func pair(_ target: Target, round: Int) throws -> (Duration, Bool) {
        let patch = #"{"data":{"n":"\#(round)"}}"#
        let written = try target.connection.request(
            "PATCH", target.path, headers: [("Content-Type", "application/merge-patch+json")], body: Array(patch.utf8))
        guard written.status == 200 else {
            throw ReadAfterWriteConnection.Failure(description: "patch \(target.object): \(written.status)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let read = try target.connection.request("GET", target.path)
        let latency = clock.now - start
        let object = (try? JSONSerialization.jsonObject(with: Data(read.body))) as? [String: Any]
        let fresh = read.status == 200 && (object?["data"] as? [String: String])?["n"] == String(round)
        return (latency, fresh)
    }

    private func printPairs(_ targets: [Target], fallbacksBefore: [Int]) {
        var rows: [[String]] = []
        for (index, target) in targets.enumerated() {
            let p50 = Self.percentile(target.latencies, 0.50)
            let p99 = Self.percentile(target.latencies, 0.99)
            var added = ["", ""]
            if target.name == "read-your-writes",
               let eventual = targets.first(where: { $0.name == "eventual" && $0.lag == target.lag }) {
                added = [
                    Self.format(p50 - Self.percentile(eventual.latencies, 0.50)),
                    Self.format(p99 - Self.percentile(eventual.latencies, 0.99)),
                ]
            }
            let fallbacks = target.statistics.map {
                String($0.counters(for: Self.configMaps).fallbacks - fallbacksBefore[index])
            } ?? "–"
            rows.append([
                "\(Self.milliseconds(target.lag)) ms", target.name, Self.format(p50), Self.format(p99),
                added[0], added[1], "\(target.stale)/\(target.latencies.count)", fallbacks,
            ])
        }
        Self.printTable(
            header: ["watch lag", "target", "read p50", "read p99", "added p50", "added p99", "stale", "fallbacks"],
            rows: rows, leftColumns: 2)
    }

    /// Reads of pods (never written) through both proxies of each upstream, alternately,
    /// while a configmap write record stays pending on the read-your-writes proxy.
    private func unwritten(_ environment: ReadAfterWriteEnvironment) throws {
        print("Reads of a resource nobody writes (GET pod): \(unwrittenReads) per proxy, read-your-writes and eventual "
              + "alternating, a configmap patched through read-your-writes every 50 reads (its record pending while the cache is behind it)")
        var rows: [[String]] = []
        var verdicts: [String] = []
        for upstream in environment.upstreams {
            let readYourWrites = try ReadAfterWriteConnection(port: upstream.readYourWrites.port)
            let eventual = try ReadAfterWriteConnection(port: upstream.eventual.port)
            let writer = try ReadAfterWriteConnection(port: upstream.readYourWrites.port)
            let namespace = ReadAfterWriteEnvironment.namespace
            let writtenPath = "/api/v1/namespaces/\(namespace)/configmaps/unwritten-neighbour-\(Self.milliseconds(upstream.lag))"
            let body = #"{"metadata":{"name":"unwritten-neighbour-\#(Self.milliseconds(upstream.lag))"}}"#
            _ = try writer.request(
                "POST", "/api/v1/namespaces/\(namespace)/configmaps", headers: [("Content-Type", "application/json")],
                body: Array(body.utf8))
            let statistics = upstream.readYourWrites.proxy.statistics
            let podWaitsBefore = statistics.counters(for: Self.pods).waits
            var samples: [[Duration]] = [[], []]
            var behind = 0
            var writes = 0
            let clock = ContinuousClock()
            for index in 0..<(unwrittenReads + 200) {
                if index % 50 == 0 {
                    let patch = #"{"data":{"n":"\#(index)"}}"#
                    let written = try writer.request(
                        "PATCH", writtenPath, headers: [("Content-Type", "application/merge-patch+json")], body: Array(patch.utf8))
                    let object = (try? JSONSerialization.jsonObject(with: Data(written.body))) as? [String: Any]
                    let version = ((object?["metadata"] as? [String: Any])?["resourceVersion"] as? String).flatMap(UInt64.init) ?? 0
                    let cached = upstream.readYourWrites.proxy.registry.cache(for: Self.configMaps)?.resourceVersion
                    if let cached, cached < ResourceVersion(version) { behind += 1 }
                    writes += 1
                }
                let path = "/api/v1/namespaces/\(namespace)/pods/pod-\(index % ReadAfterWriteEnvironment.unwrittenPods)"
                let order = index % 2 == 0 ? [0, 1] : [1, 0]
                for which in order {
                    let connection = which == 0 ? readYourWrites : eventual
                    let start = clock.now
                    let read = try connection.request("GET", path)
                    let latency = clock.now - start
                    guard read.status == 200, read.header("X-Kcache-Source") == "cache" else {
                        throw ReadAfterWriteConnection.Failure(description: "GET \(path): \(read.status) \(read.header("X-Kcache-Source") ?? "")")
                    }
                    if index >= 200 { samples[which].append(latency) }  // the first 200 warm up
                }
            }
            let podWaits = statistics.counters(for: Self.pods).waits - podWaitsBefore
            let p99 = samples.map { Self.percentile($0, 0.99) }
            let difference = p99[0] - p99[1]
            let within = abs(Self.nanoseconds(difference)) <= Self.nanoseconds(Self.unwrittenBudget)
            for (which, name) in ["read-your-writes", "eventual"].enumerated() {
                rows.append([
                    "\(Self.milliseconds(upstream.lag)) ms", name, Self.format(Self.percentile(samples[which], 0.50)),
                    Self.format(p99[which]), which == 0 ? Self.format(difference) : "",
                    which == 0 ? String(podWaits) : "",
                    which == 0 ? "\(behind)/\(writes)" : "",
                ])
            }
            verdicts.append("\(Self.milliseconds(upstream.lag)) ms lag: p99 difference \(Self.format(difference)) "
                            + (within ? "within" : "NOT within") + " 0.200 ms; pod reads that waited: \(podWaits)")
        }
        Self.printTable(
            header: ["watch lag", "proxy", "read p50", "read p99", "p99 − eventual", "pod waits", "cache behind the write"],
            rows: rows, leftColumns: 2)
        for verdict in verdicts { print(verdict) }
    }

    // MARK: Formatting

    static func percentile(_ samples: [Duration], _ fraction: Double) -> Duration {
        guard !samples.isEmpty else { return .zero }
        let sorted = samples.sorted()
        let rank = Int((Double(sorted.count) * fraction).rounded(.up))
        return sorted[min(max(rank - 1, 0), sorted.count - 1)]
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        BenchmarkHarness.nanoseconds(duration)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(nanoseconds(duration) / 1e6)
    }

    /// `0.412 ms`, `401.3 ms`, `-0.012 ms`.
    static func format(_ duration: Duration) -> String {
        let milliseconds = nanoseconds(duration) / 1e6
        let decimals = abs(milliseconds) >= 100 ? 1 : 3
        return BenchmarkHarness.format(milliseconds, decimals: decimals) + " ms"
    }

    static func printTable(header: [String], rows: [[String]], leftColumns: Int) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index < leftColumns ? cell + padding : padding + cell
            }.joined(separator: " | ") + " |"
        }
        print(line(header))
        print("|" + widths.enumerated().map { index, width in
            index < leftColumns ? String(repeating: "-", count: width + 2) : String(repeating: "-", count: width + 1) + ":"
        }.joined(separator: "|") + "|")
        for row in rows { print(line(row)) }
    }
}
