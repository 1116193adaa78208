import Synchronization

/// Scenario `fanout`: delivery latency of upstream events to 1,000 watchers through kcache,
/// against a single watcher, at 100 upstream writes per second.
///
/// Each write is a merge patch of a configmap in KubeSim (in this process) carrying a
/// sequence number; its time is taken just before the write. Every watcher (a `WatchConnection`
/// here, watching from the current resourceVersion, with bookmarks) records when the line
/// carrying that number arrived; latency = arrival − write, on one monotonic clock. A round
/// opens the watchers, writes a short warm-up, then `--fanout-seconds` of paced writes, waits
/// for every watcher to have every event, and takes the p99 over all (watcher, event) pairs.
/// Rounds alternate 1 watcher and N watchers. Target (issue 8): p99(N) ≤ 2 × p99(1).
///
/// The watchers run in this process, so at 1,000 watchers the client's own work shares the
/// two cores with kcache — as a real fan-out's clients would share a node.
struct FanoutScenario {
    var objects: Int
    var objectBytes: Int
    var watchers: Int
    var eventsPerSecond: Int
    var seconds: Int

    static let marker = "kcache-bench-seq"
    static let namespace = "fan-"

    /// One round's outcome.
    struct Round {
        var latencies: [Double]
        var missing: Int
        /// CPU seconds used during the measured writes by kcache and by this process (KubeSim's
        /// writes and the watchers' reading).
        var kcacheCPU: Double
        var benchCPU: Double
    }

    func run(_ context: BenchContext) async throws -> ScenarioReport {
        try await withTeardown { teardown in
            let sim = try await SimCluster.start(
                objects: objects, objectBytes: objectBytes, perNamespace: objects, prefix: Self.namespace, progress: context.progress)
            teardown.add { await sim.stop() }
            let kcache = try await KcacheProcess.start(in: sim, context: context, label: "fanout", teardown: teardown)
            let writer = PacedWriter(sim: sim, namespace: sim.namespaces[0], objects: sim.objects, rate: eventsPerSecond)

            var p50: [[Double]] = [[], []]
            var missing = [0, 0]
            var fanout: [Double] = []
            var cpu: [(kcache: [Double], bench: [Double])] = [([], []), ([], [])]
            let counts = [1, watchers]
            let samples = try await Interleaving(runs: context.runs).run(Array(counts.indices)) { index in
                let before = try await kcache.metrics()
                let round = try await measureRound(watchers: counts[index], kcache: kcache, writer: writer, context: context)
                if index == 1 { fanout.append(try await Self.sentPerUpstreamEvent(kcache, since: before)) }
                p50[index].append(Stats.percentile(50, of: round.latencies))
                cpu[index].kcache.append(round.kcacheCPU)
                cpu[index].bench.append(round.benchCPU)
                missing[index] += round.missing
                let p99 = Stats.percentile(99, of: round.latencies)
                context.progress("\(counts[index]) watcher(s): p50 \(Format.duration(Stats.percentile(50, of: round.latencies))), "
                    + "p99 \(Format.duration(p99)), \(round.latencies.count) deliveries, \(round.missing) missing")
                return p99
            }

            var report = ScenarioReport(
                scenario: Scenario.fanout.rawValue,
                command: context.command(.fanout, ["--watchers", String(watchers), "--events-per-second", String(eventsPerSecond),
                                                   "--fanout-seconds", String(seconds)]))
            report.parameters = [
                "watchers": String(watchers), "writes/s": String(eventsPerSecond), "measured writes per round": String(eventsPerSecond * seconds),
                "object bytes": "~\(sim.objectBytes)",
            ]
            report.compare("p99 delivery latency, \(Format.grouped(Double(watchers))) watchers vs 1, \(eventsPerSecond) events/s",
                           measured: samples[1], reference: samples[0], unit: .seconds, target: .atMost(2))
            report.compare("p50 delivery latency, \(Format.grouped(Double(watchers))) watchers vs 1", measured: p50[1],
                           reference: p50[0], unit: .seconds, target: .info)
            report.add(
                "watch events sent per upstream event, \(Format.grouped(Double(watchers))) watchers (kcache metrics)",
                measured: Stats.median(fanout), measuredText: Format.fixed(Stats.median(fanout), 1),
                referenceText: "\(watchers) watchers", target: "report only", verdict: .info, unit: "count", samples: fanout,
                note: "kcache exports no count of encodings, so \"each event encoded once\" is not measured: "
                    + "events sent ÷ upstream events ≈ watchers per round shows fan-out; the encode-once path is "
                    + "Reflector+Watch (one WatchEventEncoder.encode per upstream event, WatchCacheEvent.encoded shared)")
            for (index, count) in counts.enumerated() {
                report.notes.append("CPU during the \(seconds) s of measured writes with \(count) watcher(s) (medians): kcache "
                    + "\(Format.fixed(Stats.median(cpu[index].kcache), 2)) s, this process (KubeSim writes + watch clients) "
                    + "\(Format.fixed(Stats.median(cpu[index].bench), 2)) s, of \(2 * seconds) core-seconds")
            }
            if missing.contains(where: { $0 > 0 }) {
                report.notes.append("MISSING deliveries: \(missing[0]) with 1 watcher, \(missing[1]) with \(watchers) (summed over rounds)")
            }
            return report
        }
    }

    /// Opens `count` watchers, writes a warm-up and a measured run of events, and returns every
    /// (watcher, event) latency of the measured run.
    private func measureRound(watchers count: Int, kcache: KcacheProcess, writer: PacedWriter,
                              context: BenchContext) async throws -> Round {
        let resourceVersion = try await BenchConnection.with(port: kcache.port) { connection in
            let response = try await connection.get("/api/v1/namespaces/\(writer.namespace)/configmaps?limit=1", keepBody: true)
            return Self.resourceVersion(in: response.body ?? [])
        }
        let target = "/api/v1/namespaces/\(writer.namespace)/configmaps?watch=true&allowWatchBookmarks=true"
            + "&resourceVersion=\(resourceVersion)&timeoutSeconds=3600"
        let connections = try await Self.open(count, port: kcache.port, target: target)
        do {
            // Warm-up: every watcher is live and caught up before the clock matters.
            let warmUp = try await writer.write(count: 5)
            try await Self.waitForAll(connections, sequence: warmUp.upperBound - 1)
            for connection in connections { _ = connection.recorder.takeMarked() }
            let cpuBefore = (KcacheProcess.cpuSeconds(of: kcache.pid), KcacheProcess.cpuSeconds(of: 0))
            let measured = try await writer.write(count: eventsPerSecond * seconds)
            let complete = (try? await Self.waitForAll(connections, sequence: measured.upperBound - 1)) != nil
            let kcacheCPU = KcacheProcess.cpuSeconds(of: kcache.pid) - cpuBefore.0
            let benchCPU = KcacheProcess.cpuSeconds(of: 0) - cpuBefore.1
            let sent = writer.sendTimes(measured)
            var latencies: [Double] = []
            latencies.reserveCapacity(connections.count * measured.count)
            for connection in connections {
                for (sequence, arrival) in connection.recorder.takeMarked() where measured.contains(sequence) {
                    latencies.append(Stats.seconds(arrival - sent[sequence - measured.lowerBound]))
                }
            }
            let missing = connections.count * measured.count - latencies.count
            if !complete { context.progress("not every watcher received every event within the deadline") }
            await Self.close(connections)
            return Round(latencies: latencies, missing: missing, kcacheCPU: kcacheCPU, benchCPU: benchCPU)
        } catch {
            await Self.close(connections)
            throw error
        }
    }

    /// kcache's `kcache_watch_events_sent_total` ÷ `kcache_upstream_events_total` for configmaps
    /// since `before`.
    static func sentPerUpstreamEvent(_ kcache: KcacheProcess, since before: [String: Double]) async throws -> Double {
        let after = try await kcache.metrics()
        let resource = [#"resource="configmaps""#]
        func delta(_ name: String) -> Double {
            KcacheProcess.sum(after, name, labels: resource) - KcacheProcess.sum(before, name, labels: resource)
        }
        let upstream = delta("kcache_upstream_events_total")
        return upstream == 0 ? 0 : delta("kcache_watch_events_sent_total") / upstream
    }

    static func open(_ count: Int, port: Int, target: String) async throws -> [WatchConnection] {
        var connections: [WatchConnection] = []
        let batch = 100
        for start in stride(from: 0, to: count, by: batch) {
            try await withThrowingTaskGroup(of: WatchConnection.self) { group in
                for _ in start..<min(start + batch, count) {
                    group.addTask { try await WatchConnection.open(port: port, target: target, marker: marker) }
                }
                for try await connection in group { connections.append(connection) }
            }
        }
        return connections
    }

    static func close(_ connections: [WatchConnection]) async {
        for connection in connections { await connection.close() }
    }

    /// Waits until every watcher has received `sequence` (events arrive in order).
    static func waitForAll(_ connections: [WatchConnection], sequence: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while connections.contains(where: { $0.recorder.lastSequence < sequence }) {
            if ContinuousClock.now >= deadline {
                let behind = connections.filter { $0.recorder.lastSequence < sequence }.count
                throw ChildProcess.SpawnError(description: "\(behind) watchers did not receive event \(sequence)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// `metadata.resourceVersion` of a LIST body (the first `"resourceVersion":"…"` is the list's).
    static func resourceVersion(in body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        guard let range = text.range(of: #""resourceVersion":""#) else { return "0" }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// Writes marked updates to KubeSim at a steady rate (deadline-paced, so a late write does not
/// shift the ones after it) and remembers when each was sent. Sequence numbers increase over
/// the whole scenario. Used by one task at a time.
final class PacedWriter: Sendable {
    let sim: SimCluster
    let namespace: String
    let objects: Int
    let rate: Int
    private let state = Mutex<(next: Int, sent: [ContinuousClock.Instant])>((0, []))

    init(sim: SimCluster, namespace: String, objects: Int, rate: Int) {
        self.sim = sim
        self.namespace = namespace
        self.objects = objects
        self.rate = rate
    }

    /// Writes `count` events at `rate`; returns their sequence numbers.
    func write(count: Int) async throws -> Range<Int> {
        let first = state.withLock { $0.next }
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(rate))
        let start = ContinuousClock.now
        for offset in 0..<count {
            try await Task.sleep(until: start + interval * offset, clock: .continuous)
            let sequence = first + offset
            let now = ContinuousClock.now
            state.withLock { $0.sent.append(now) }
            try sim.write(namespace: namespace, name: "cm-\(sequence % objects)", marker: FanoutScenario.marker, sequence: sequence)
        }
        state.withLock { $0.next = first + count }
        return first..<(first + count)
    }

    /// When each of `sequences` was written.
    func sendTimes(_ sequences: Range<Int>) -> [ContinuousClock.Instant] {
        state.withLock { Array($0.sent[sequences]) }
    }
}
