import Foundation
import KubeAPI
import KubeSim
import Logging

/// The upstream of every scenario: a KubeSim in this process on 127.0.0.1 port 0, seeded
/// directly through its in-process API (no HTTP), with configmaps of a chosen size.
///
/// Configmaps are named `cm-<i>` in namespaces `<prefix>0…`, each with labels `app`, `tier` and
/// `index` (SeedPlan's), and one `payload` of random letters sized so the object as KubeSim
/// stores it is about `objectBytes` long. Thread-safe (KubeSim is).
final class SimCluster: Sendable {
    let sim: KubeSim
    /// Objects seeded (namespaces × per namespace, at least what was asked for).
    let objects: Int
    /// The mean size of a seeded configmap's JSON as KubeSim answers a GET.
    let objectBytes: Int
    let namespaces: [String]

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    private init(sim: KubeSim, objects: Int, objectBytes: Int, namespaces: [String]) {
        self.sim = sim
        self.objects = objects
        self.objectBytes = objectBytes
        self.namespaces = namespaces
    }

    var baseURL: String { sim.baseURL }
    var port: Int { sim.port }

    /// Seeds `objects` configmaps of about `objectBytes` (at most `perNamespace` per namespace)
    /// and starts serving. `historyLimit` bounds the events KubeSim keeps per resource.
    static func start(
        objects: Int, objectBytes: Int, perNamespace: Int = 10_000, prefix: String = "ns-",
        historyLimit: Int = 100_000, progress: (String) -> Void
    ) async throws -> SimCluster {
        var configuration = KubeSim.Configuration()
        configuration.historyLimit = historyLimit
        configuration.initialNamespaces = ["default"]
        var logger = Logger(label: "kubesim")
        logger.logLevel = .warning
        let sim = KubeSim(configuration: configuration, logger: logger)
        let payload = try payloadBytes(for: objectBytes, in: sim)
        let namespaceCount = max(1, (objects + perNamespace - 1) / perNamespace)
        let each = (objects + namespaceCount - 1) / namespaceCount
        let start = ContinuousClock.now
        try sim.seed(SeedPlan(
            namespaces: namespaceCount, configMapsPerNamespace: each, podsPerNamespace: 0,
            configMapDataBytes: payload, nodes: 0, namespacePrefix: prefix))
        try await sim.start(host: "127.0.0.1", port: 0)
        let names = (0..<namespaceCount).map { "\(prefix)\($0)" }
        let sample = try sim.get(configMaps, namespace: names[0], name: "cm-0").count
        progress("seeded \(namespaceCount * each) configmaps of ~\(sample) B in KubeSim in \(Format.duration(Stats.seconds(ContinuousClock.now - start)))")
        return SimCluster(sim: sim, objects: namespaceCount * each, objectBytes: sample, namespaces: names)
    }

    /// The payload length that makes a seeded configmap about `objectBytes` long: one probe
    /// object measures what the rest of the object takes.
    private static func payloadBytes(for objectBytes: Int, in sim: KubeSim) throws -> Int {
        let probeNamespace = "kcache-bench-probe"
        try sim.seed(SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 0, configMapDataBytes: 1000,
                              nodes: 0, namespacePrefix: probeNamespace))
        let size = try sim.get(configMaps, namespace: probeNamespace + "0", name: "cm-0").count
        try sim.delete(configMaps, namespace: probeNamespace + "0", name: "cm-0")
        return max(1, objectBytes - (size - 1000))
    }

    /// Replaces configmap `name`'s data with one key carrying `sequence` (`"<marker>":"<n>"`,
    /// what `WatchConnection` looks for) and `filler` bytes.
    func write(namespace: String, name: String, marker: String, sequence: Int, filler: Int = 0) throws {
        var data = #"{"\#(marker)":"\#(sequence)""#
        if filler > 0 { data += #","filler":""# + String(repeating: "x", count: filler) + "\"" }
        data += "}"
        let patch = #"{"data":\#(data)}"#
        try sim.patch(Self.configMaps, namespace: namespace, name: name, patch: Array(patch.utf8))
    }

    func stop() async {
        try? await sim.shutdown()
    }
}
