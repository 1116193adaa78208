import Foundation
import KubeAPI
import KubeCache
import Logging
import Synchronization
@testable import KubeSnapshot

/// Resources, objects, caches, temporary directories and captured logs for snapshot tests.
enum Fixtures {
    static let configMaps = resource("configmaps", kind: "ConfigMap")
    static let pods = resource("pods", kind: "Pod")
    static let secrets = resource("secrets", kind: "Secret")
    static let deployments = resource("deployments", kind: "Deployment", group: "apps")

    static func resource(_ name: String, kind: String, group: String = "") -> CachedResource {
        CachedResource(APIResource(
            groupVersionResource: GroupVersionResource(group: group, version: "v1", resource: name),
            kind: kind, namespaced: true))
    }

    static func json(
        _ resource: CachedResource, namespace: String = "default", name: String, rv: UInt64, uid: String? = nil,
        data: String = "", nodeName: String? = nil
    ) -> [UInt8] {
        let api = resource.apiResource
        var object: [String: Any] = [
            "kind": api.kind, "apiVersion": api.apiVersion,
            "metadata": [
                "name": name, "namespace": namespace, "resourceVersion": String(rv),
                "uid": uid ?? "uid-\(namespace)-\(name)", "labels": ["app": name],
            ] as [String: Any],
            "data": ["value": data],
        ]
        if let nodeName { object["spec"] = ["nodeName": nodeName] }
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func object(
        _ resource: CachedResource, namespace: String = "default", name: String, rv: UInt64, uid: String? = nil,
        data: String = "", nodeName: String? = nil
    ) -> CachedObject {
        let bytes = json(resource, namespace: namespace, name: name, rv: rv, uid: uid, data: data, nodeName: nodeName)
        return try! CachedObject(json: bytes[...], resource: resource)
    }

    /// A synced cache holding `names` (listed at `rv`), as after a first LIST.
    static func cache(
        _ resource: CachedResource, names: [String], rv: UInt64 = 100, configuration: ResourceCache.Configuration = .init()
    ) -> ResourceCache {
        let cache = ResourceCache(resource: resource, configuration: configuration, logger: quietLogger)
        let objects = names.enumerated().map { index, name in
            object(resource, name: name, rv: UInt64(index + 1), data: "initial \(name)")
        }
        cache.replace(with: objects, resourceVersion: ResourceVersion(rv))
        cache.setReadiness(.synced)  // as the reflector does once its watch is accepted
        return cache
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}

extension ResourceCache {
    /// Applies an upstream watch event the way the reflector does (the object a slice of the
    /// encoded line).
    @discardableResult
    func apply(
        _ type: WatchEventType, name: String, rv: UInt64, namespace: String = "default", data: String = "",
        uid: String? = nil
    ) -> ApplyOutcome {
        let bytes = Fixtures.json(resource, namespace: namespace, name: name, rv: rv, uid: uid, data: data)
        let line = WatchEventEncoder.encode(type, object: bytes)
        let object = try! CachedObject(json: line[(line.count - 2 - bytes.count)..<(line.count - 2)], resource: resource)
        return apply(type, object: object, encodedLine: line)
    }

    /// Keys and bytes of every object, in key order.
    var contents: [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: store.objects.map { ($0.key.storageKey, Array($0.value.bytes)) })
    }

    /// Events a watch resuming after `rv` delivers now, as "TYPE name@rv"; or the error.
    func resumedEvents(after rv: UInt64) -> Result<[String], Status> {
        let filter = ObjectFilter(resource: resource, namespace: "")!
        let watcher: CacheWatcher
        do {
            watcher = try watch(WatchRequest(filter: filter, start: .after(ResourceVersion(rv)), allowBookmarks: false))
        } catch {
            return .failure(error)
        }
        defer { watcher.stop() }
        var events: [String] = []
        while case .events(let segments) = watcher.next(maxBytes: 1 << 20) {
            let bytes = segments.flatMap { $0 }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                let event = try! JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
                let metadata = (event["object"] as! [String: Any])["metadata"] as! [String: Any]
                events.append("\(event["type"]!) \(metadata["name"]!)@\(metadata["resourceVersion"]!)")
            }
        }
        return .success(events)
    }
}

/// A temporary directory, removed when the test's value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "kcache-snapshot-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String = "snapshot.db") -> String { "\(path)/\(name)" }

    /// Names in the directory, sorted.
    var entries: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

/// Log lines captured for assertions.
final class CapturedLogs: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let storage = Mutex<[Line]>([])

    var lines: [Line] { storage.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(logs: self) }
    }

    func append(_ line: Line) { storage.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.append(Line(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}

/// A snapshot store over `path` with `configure` applied, logging to `logs` when given.
func makeStore(
    _ path: String, logs: CapturedLogs? = nil, _ configure: (inout SnapshotStore.Configuration) -> Void = { _ in }
) -> SnapshotStore {
    var configuration = SnapshotStore.Configuration(path: path)
    configuration.savePauseFile = nil
    configure(&configuration)
    return SnapshotStore(configuration: configuration, logger: logs?.logger ?? Fixtures.quietLogger)
}

/// Loads `path` into fresh caches, one per restored resource.
func loadCaches(
    _ path: String, _ configure: (inout SnapshotStore.Configuration) -> Void = { _ in }
) async -> [GroupVersionResource: ResourceCache] {
    let store = makeStore(path, configure)
    let restored = await store.load()
    await store.close()
    var caches: [GroupVersionResource: ResourceCache] = [:]
    for resource in restored {
        let cache = ResourceCache(resource: resource.resource, logger: Fixtures.quietLogger)
        resource.restore(into: cache)
        caches[resource.groupVersionResource] = cache
    }
    return caches
}
