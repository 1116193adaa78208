import Foundation
import KubeAPI
import KubeCache
import Logging

/// Measures what a snapshot costs and saves for a large resource: a full save, an incremental
/// save after changing a fraction of the objects, a load, a restore into a fresh cache, and —
/// for comparison — the local part of a cold start (parsing a LIST's items and filling the
/// cache; a real cold start adds the upstream's paged LIST on top).
///
/// For `kcache-bench` and tests; it writes one file under `directory` and removes it.
public enum SnapshotBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var objects = 0
        /// Average JSON size of an object.
        public var averageObjectBytes = 0
        public var fullSave: Duration = .zero
        public var changedObjects = 0
        public var incrementalSave: Duration = .zero
        public var load: Duration = .zero
        /// Where the load's time went.
        public var loadReport = SnapshotLoadReport()
        public var restore: Duration = .zero
        /// Parsing every object from JSON and `replace(with:)`: a cold start without the network.
        public var coldParseAndFill: Duration = .zero
        public var fileBytes = 0

        public var description: String {
            """
            snapshot benchmark: \(objects) objects × \(averageObjectBytes) B, file \(fileBytes >> 20) MiB
              full save:        \(fullSave)
              incremental save: \(incrementalSave) (\(changedObjects) changed)
              load:             \(load) (scan \(loadReport.readDuration); busy: decode \(loadReport.decodeDuration), \
            build \(loadReport.buildDuration))
              restore:          \(restore)
              cold parse+fill:  \(coldParseAndFill) (local part of a cold LIST)
            """
        }
    }

    /// The pods resource the benchmark caches (with its selectable fields, as in production).
    public static let resource = CachedResource(APIResource(
        groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "pods"),
        kind: "Pod", namespaced: true))

    public static func run(
        objects count: Int = 100_000, objectBytes: Int = 2048, changeFraction: Double = 0.01, directory: String
    ) async throws -> Result {
        var result = Result()
        let path = (directory as NSString).appendingPathComponent("snapshot-benchmark-\(UUID().uuidString).db")
        defer {
            for suffix in [""] + SnapshotFiles.companionSuffixes { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var logger = Logger(label: "kcache.snapshot.benchmark")
        logger.logLevel = .warning

        let documents = (0..<count).map { podJSON(index: $0, resourceVersion: UInt64($0 + 1), targetBytes: objectBytes) }
        result.objects = count
        result.averageObjectBytes = count == 0 ? 0 : documents.reduce(0) { $0 + $1.count } / count

        var start = ContinuousClock.now
        let objects = try documents.map { try CachedObject(json: $0[...], resource: resource) }
        let cache = ResourceCache(resource: resource, logger: logger)
        cache.replace(with: objects, resourceVersion: ResourceVersion(UInt64(count)))
        cache.setReadiness(.synced)  // as the reflector does once its watch is accepted
        result.coldParseAndFill = .now - start

        let writer = SnapshotStore(configuration: .init(path: path), logger: logger)
        start = .now
        await writer.save([cache])
        result.fullSave = .now - start

        let changed = Int(Double(count) * changeFraction)
        for index in 0..<changed {
            let json = podJSON(index: index * (count / max(changed, 1)), resourceVersion: UInt64(count + 1 + index),
                               targetBytes: objectBytes)
            let line = WatchEventEncoder.encode(.modified, object: json)
            let object = try CachedObject(json: line[(line.count - 2 - json.count)..<(line.count - 2)], resource: resource)
            cache.apply(.modified, object: object, encodedLine: line)
        }
        result.changedObjects = changed
        start = .now
        await writer.save([cache])
        result.incrementalSave = .now - start
        await writer.close()
        result.fileBytes = SnapshotFiles.size(of: path)

        let reader = SnapshotStore(configuration: .init(path: path), logger: logger)
        start = .now
        let restored = await reader.load()
        result.load = .now - start
        result.loadReport = await reader.statistics.lastLoad ?? SnapshotLoadReport()
        await reader.close()

        let fresh = ResourceCache(resource: resource, logger: logger)
        start = .now
        for resource in restored { resource.restore(into: fresh) }
        result.restore = .now - start
        guard fresh.store.count == count else {
            throw SnapshotError.malformed("benchmark restored \(fresh.store.count) of \(count) objects")
        }
        return result
    }

    /// A pod of about `targetBytes` of JSON, spread over 100 namespaces and 50 nodes.
    public static func podJSON(index: Int, resourceVersion: UInt64, targetBytes: Int = 2048) -> [UInt8] {
        let namespace = "namespace-\(index % 100)"
        let name = "pod-\(index)"
        let head = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)","namespace":"\(namespace)",\
            "uid":"00000000-0000-4000-8000-\(String(format: "%012d", index))","resourceVersion":"\(resourceVersion)",\
            "creationTimestamp":"2025-01-01T00:00:00Z","labels":{"app":"app-\(index % 37)","tier":"backend"},\
            "annotations":{"padding":"
            """
        let tail = """
            "}},"spec":{"nodeName":"node-\(index % 50)","restartPolicy":"Always","schedulerName":"default-scheduler",\
            "serviceAccountName":"default","containers":[{"name":"main","image":"registry.example/app:1.0",\
            "resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}]},\
            "status":{"phase":"Running","podIP":"10.0.\(index / 250 % 250).\(index % 250)","qosClass":"Burstable"}}
            """
        let padding = max(0, targetBytes - head.utf8.count - tail.utf8.count)
        return Array((head + String(repeating: "x", count: padding) + tail).utf8)
    }
}
