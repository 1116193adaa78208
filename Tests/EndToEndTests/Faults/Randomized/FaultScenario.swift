import Foundation
import Synchronization
import KubeAPI
import KubeProxy
import KubeSim
import KubeSnapshot
import KubeTestSupport

/// One seeded run of the randomized fault test: a KubeSim with a few configmaps, kcache in
/// front of it with a snapshot file, three informers reading through kcache (two cluster-wide,
/// one namespace-scoped), and `steps` random steps: writes to KubeSim interleaved with faults
/// — dropped, refused and delayed upstream watches, compacted history (which makes kcache
/// relist), the upstream down and back, kcache restarted from its snapshot, informers away
/// long enough to get `410 Expired` — and LISTs through kcache, each checked against
/// KubeSim's state at the list's RV.
///
/// Every few steps, and at the end, the run reaches a quiescent point: faults off, writes
/// paused, and every informer and a LIST through kcache must converge on KubeSim's state within
/// a deadline. The informers check every event on the way (see `Informer`). The whole run is a
/// function of the seed (timings aside); `run()` returns what went wrong, empty when nothing did.
struct FaultScenario {
    /// Steps between quiescent points.
    static let quiescentEvery = 6
    /// How long a quiescent point may take to converge before the run fails (bounds failures
    /// only; convergence normally takes milliseconds).
    static let convergenceDeadline: Duration = .seconds(60)

    enum Action: String, CaseIterable {
        case writes, dropWatches, refuseWatches, delayEvents, compactHistory, upstreamDown, restartKcache, pauseInformer, list
    }

    let seed: UInt64
    let steps: Int

    /// What the run did and found.
    struct Report {
        var seed: UInt64
        var trace: [String] = []
        var violations: [String] = []
        var actions: [Action: Int] = [:]
        var writes = 0
        var informers: [String] = []
    }

    func run() async -> Report {
        var report = Report(seed: seed)
        do {
            try await execute(&report)
        } catch {
            report.violations.append("the run failed: \(error)")
        }
        return report
    }

    private func execute(_ report: inout Report) async throws {
        var random = SeededRandom(seed: seed)
        var simConfiguration = KubeSim.Configuration()
        simConfiguration.bookmarkInterval = .milliseconds(200)
        simConfiguration.resourceVersionWaitTimeout = .milliseconds(300)
        let sim = KubeSim(configuration: simConfiguration)
        try sim.seed(SeedPlan(namespaces: 3, configMapsPerNamespace: 3, podsPerNamespace: 0, nodes: 0))
        try await sim.start(host: "127.0.0.1", port: 0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-faults-\(seed)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let log = WriteLog()
        let initial = try ListedObjects(TestHTTPResponse(status: 200, headers: [], body: try sim.list(Self.configMaps)))
        log.setInitial(initial.objects, at: initial.resourceVersion)
        var writer = Writer(sim: sim, log: log, objects: initial.objects)

        var configuration = try KcacheInstance.configuration(upstream: sim)
        configuration.snapshot = SnapshotStore.Configuration(path: directory.appendingPathComponent("kcache.db").path)
        // A short history, so that an informer away for a few writes comes back to 410.
        configuration.registry.cache.historyBytes = 24 << 10
        var kcache = try await KcacheInstance.start(configuration)
        let address = ProxyAddress()
        address.set(kcache.baseURL)
        let informers = [
            Informer(name: "informer-all-1", namespace: nil, log: log, address: address),
            Informer(name: "informer-all-2", namespace: nil, log: log, address: address),
            Informer(name: "informer-ns-1", namespace: "ns-1", log: log, address: address),
        ]
        let tasks = informers.map { informer in Task { await informer.run() } }
        defer { for task in tasks { task.cancel() } }
        let checker = ListChecker(log: log, address: address)

        // Faults switched on for a number of steps: the step at which each ends.
        var until: [Action: Int] = [:]
        var paused: [Int: Int] = [:]
        do {
            try await waitUntil(timeout: Self.convergenceDeadline, "the informers' first LIST") { informers.allSatisfy(\.hasListed) }
            for step in 0..<steps {
                for (action, end) in until where end <= step {
                    switchOff(action, sim: sim)
                    until[action] = nil
                }
                for (index, end) in paused where end <= step {
                    informers[index].resume()
                    paused[index] = nil
                }
                let action = random.weighted([
                    (Action.writes, 40), (.dropWatches, 8), (.refuseWatches, 6), (.delayEvents, 6), (.compactHistory, 7),
                    (.upstreamDown, 7), (.restartKcache, 6), (.pauseInformer, 8), (.list, 12),
                ])
                report.actions[action, default: 0] += 1
                var note = "\(step): \(action.rawValue)"
                switch action {
                case .writes:
                    let count = 1 + random.below(8)
                    for _ in 0..<count { try writer.write(&random) }
                    report.writes += count
                    note += " ×\(count) (RV \(log.lastResourceVersion))"
                case .dropWatches:
                    sim.faults.dropAllWatches()
                case .refuseWatches:
                    sim.faults.refuseWatches = true
                    sim.faults.dropAllWatches()
                    until[action] = step + 1 + random.below(3)
                case .delayEvents:
                    let delay = 5 + random.below(60)
                    sim.faults.watchEventDelay = .milliseconds(delay)
                    until[action] = step + 1 + random.below(3)
                    note += " \(delay) ms"
                case .compactHistory:
                    sim.faults.compactHistory()
                    if random.below(2) == 0 {
                        sim.faults.dropAllWatches()
                        note += " + drop"
                    }
                case .upstreamDown:
                    sim.faults.isDown = true
                    sim.faults.dropAllWatches()
                    until[action] = step + 1 + random.below(3)
                case .restartKcache:
                    address.set(nil)
                    await kcache.shutdown()
                    kcache = try await KcacheInstance.start(configuration)
                    address.set(kcache.baseURL)
                case .pauseInformer:
                    let index = random.below(informers.count)
                    informers[index].pause()
                    paused[index] = step + 1 + random.below(4)
                    note += " \(informers[index].name)"
                case .list:
                    let limit = random.below(2) == 0 ? nil : 1 + random.below(4)
                    note += " " + (await checker.check(limit: limit))
                }
                report.trace.append(note)
                if step % Self.quiescentEvery == Self.quiescentEvery - 1 || step == steps - 1 {
                    for action in until.keys { switchOff(action, sim: sim) }
                    until = [:]
                    for index in paused.keys { informers[index].resume() }
                    paused = [:]
                    report.trace.append("\(step): quiescent at RV \(log.lastResourceVersion)")
                    try await converge(informers: informers, checker: checker, log: log, report: &report)
                }
                if !report.violations.isEmpty || informers.contains(where: { !$0.violations.isEmpty }) || !checker.violations.isEmpty {
                    break
                }
            }
        } catch {
            report.violations.append("\(error)")
        }
        report.violations = informers.flatMap(\.violations) + checker.violations + report.violations
        report.informers = informers.map(\.summary)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        address.set(nil)
        await kcache.shutdown()
        try? await sim.shutdown()
    }

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    private func switchOff(_ action: Action, sim: KubeSim) {
        switch action {
        case .refuseWatches: sim.faults.refuseWatches = false
        case .delayEvents: sim.faults.watchEventDelay = .zero
        case .upstreamDown: sim.faults.isDown = false
        default: break
        }
    }

    /// Waits until every informer holds KubeSim's current state and a LIST through kcache
    /// answers it; reports who had not converged when the deadline passed.
    private func converge(informers: [Informer], checker: ListChecker, log: WriteLog, report: inout Report) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.convergenceDeadline
        let target = log.current()
        let targetRV = log.lastResourceVersion
        func expected(_ informer: Informer) -> [String: WriteLog.Version] {
            informer.namespace.map { namespace in target.filter { $0.key.hasPrefix(namespace + "/") } } ?? target
        }
        do {
            try await waitUntil(timeout: deadline - clock.now, "every informer to converge on KubeSim at RV \(targetRV)") {
                informers.allSatisfy { $0.store == expected($0) }
            }
            try await waitUntil(timeout: deadline - clock.now, "a LIST through kcache to answer KubeSim's state at RV \(targetRV)") {
                await checker.answersCurrentState(target, atLeast: targetRV)
            }
        } catch {
            for informer in informers where informer.store != expected(informer) {
                report.violations.append("\(informer.name) did not converge on RV \(targetRV): "
                    + Informer.difference(informer.store, expected(informer)))
            }
            report.violations.append("no convergence: \(error)")
        }
    }
}

/// The test's writes to KubeSim (in-process, the way another client's writes reach the API
/// server), logged in `WriteLog`: creates, merge-patch updates, deletes, and deletes followed
/// by a create of the same name (a new UID), over three namespaces and six names each.
struct Writer {
    let sim: KubeSim
    let log: WriteLog
    /// KubeSim's configmaps now, kept in step with the writes.
    var objects: [String: WriteLog.Version]
    var counter = 0

    mutating func write(_ random: inout SeededRandom) throws {
        let namespace = "ns-\(random.below(3))"
        let name = "cm-\(random.below(6))"
        let key = "\(namespace)/\(name)"
        counter += 1
        guard let existing = objects[key] else {
            try create(namespace, name)
            return
        }
        switch random.below(20) {
        case 0..<12:
            let bytes = try sim.patch(
                FaultScenario.configMaps, namespace: namespace, name: name,
                patch: Array(#"{"data":{"v":"\#(counter)"}}"#.utf8))
            record("MODIFIED", key, try Self.version(of: bytes))
        case 12..<17:
            try delete(namespace, name, existing)
        default:
            try delete(namespace, name, existing)
            try create(namespace, name)
        }
    }

    private mutating func create(_ namespace: String, _ name: String) throws {
        let json = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{"app":"faults"}},"data":{"v":"\#(counter)"}}"#
        let bytes = try sim.create(FaultScenario.configMaps, namespace: namespace, json: Array(json.utf8))
        record("ADDED", "\(namespace)/\(name)", try Self.version(of: bytes))
    }

    private mutating func delete(_ namespace: String, _ name: String, _ existing: WriteLog.Version) throws {
        try sim.delete(FaultScenario.configMaps, namespace: namespace, name: name)
        // The test is KubeSim's only writer: the current RV is the deletion's.
        record("DELETED", "\(namespace)/\(name)", WriteLog.Version(uid: existing.uid, resourceVersion: sim.currentResourceVersion.value))
    }

    private mutating func record(_ type: String, _ key: String, _ version: WriteLog.Version) {
        log.append(WriteLog.Entry(type: type, key: key, version: version))
        objects[key] = type == "DELETED" ? nil : version
    }

    static func version(of object: [UInt8]) throws -> WriteLog.Version {
        let json = try JSONSerialization.jsonObject(with: Data(object)) as? [String: Any]
        let metadata = json?["metadata"] as? [String: Any] ?? [:]
        guard let uid = metadata["uid"] as? String, let rv = (metadata["resourceVersion"] as? String).flatMap(UInt64.init) else {
            throw ListFailed(status: 0)
        }
        return WriteLog.Version(uid: uid, resourceVersion: rv)
    }
}

/// LISTs through kcache by a client that is not an informer: whole, or in pages, each checked
/// against KubeSim's state at the list's RV.
final class ListChecker: Sendable {
    private let log: WriteLog
    private let address: ProxyAddress
    private let client = TestHTTPClient()
    private let found = Mutex<[String]>([])

    init(log: WriteLog, address: ProxyAddress) {
        self.log = log
        self.address = address
    }

    var violations: [String] { found.withLock { $0 } }

    /// One LIST (in pages of `limit` when given); returns what happened, for the trace.
    func check(limit: Int?) async -> String {
        guard let base = address.current else { return "(kcache restarting)" }
        var objects: [String: WriteLog.Version] = [:]
        var resourceVersion: UInt64?
        var token: String?
        var pages = 0
        repeat {
            var query = limit.map { "?limit=\($0)" } ?? ""
            if let token { query += "&continue=\(TestHTTPClient.encode(token))" }
            guard let response = try? await client.request("GET", base + "/api/v1/configmaps" + query) else { return "(no answer)" }
            guard response.status == 200, let page = try? ListedObjects(response) else {
                return "→ \(response.status) \(response.object["reason"] as? String ?? "")"
            }
            pages += 1
            if let resourceVersion, resourceVersion != page.resourceVersion {
                found.withLock { $0.append("paged LIST: page \(pages) at RV \(page.resourceVersion), the first at \(resourceVersion)") }
            }
            resourceVersion = resourceVersion ?? page.resourceVersion
            objects.merge(page.objects) { first, _ in first }
            token = page.continueToken
        } while token != nil
        let rv = resourceVersion ?? 0
        let expected = log.state(at: rv)
        if objects != expected {
            found.withLock { $0.append("LIST\(limit.map { " limit=\($0)" } ?? "") at RV \(rv) differs from KubeSim's state then: " + Informer.difference(objects, expected)) }
        }
        return "→ 200 RV \(rv) \(objects.count) objects in \(pages) page(s)"
    }

    /// Whether a LIST through kcache answers `target` at an RV of at least `resourceVersion`.
    func answersCurrentState(_ target: [String: WriteLog.Version], atLeast resourceVersion: UInt64) async -> Bool {
        guard let base = address.current,
              let response = try? await client.request("GET", base + "/api/v1/configmaps"), response.status == 200,
              let list = try? ListedObjects(response)
        else { return false }
        return list.resourceVersion >= resourceVersion && list.objects == target
    }
}
