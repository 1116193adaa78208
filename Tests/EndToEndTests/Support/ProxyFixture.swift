import Foundation
import KubeAPI
import KubeCache
import KubeProxy
import KubeSim
import KubeTestSupport
import Logging
import Testing

/// One proxy test's world: a KubeSim and a kcache in front of it, each configured for the test
/// (faults, lag bounds, exclusions, credentials, loggers), on 127.0.0.1 port 0, so tests run in
/// parallel.
///
/// Unlike `ConformanceFixture`, the test writes to KubeSim directly (in-process, `create`,
/// `patch`, `delete` below) — these are the upstream's own writes, which kcache learns of only
/// through its watch — and keeps the log of resourceVersions those writes answered, which is
/// what every downstream watcher must receive.
struct ProxyFixture {
    let sim: KubeSim
    let front: KcacheFront
    let client = TestHTTPClient()

    var baseURL: String { front.baseURL }
    var proxy: CachingProxy { front.proxy }

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")
    static let widgets = GroupVersionResource(group: "example.com", version: "v1", resource: "widgets")

    /// Starts KubeSim (seeded, prepared) and kcache caching `resources`, waits until they have
    /// synced, runs `body`, and stops both whether it returns or throws.
    static func with<T>(
        seed: SeedPlan? = nil, resources: [String] = ["configmaps"], tuning: ConformanceFixture.Tuning = .init(),
        simConfiguration: (inout KubeSim.Configuration) -> Void = { _ in },
        prepare: (KubeSim) throws -> Void = { _ in },
        logger: Logger? = nil,
        configure: (inout CachingProxy.Configuration, KubeSim) throws -> Void = { _, _ in },
        _ body: (ProxyFixture) async throws -> T
    ) async throws -> T {
        var configuration = KubeSim.Configuration()
        configuration.resourceVersionWaitTimeout = tuning.simResourceVersionWait
        configuration.bookmarkInterval = tuning.upstreamBookmarkInterval ?? tuning.bookmarkInterval
        configuration.historyLimit = tuning.simHistoryLimit
        simConfiguration(&configuration)
        let sim = KubeSim(configuration: configuration)
        if let seed { try sim.seed(seed) }
        try prepare(sim)
        return try await withServer(sim) { sim in
            // The ready wait bounds failures only: seeded stores of 20,000 objects on a busy CI
            // machine take a while to list.
            let front = try await KcacheFront.start(
                upstream: sim, resources: resources, tuning: tuning, logger: logger, readyTimeout: .seconds(90)
            ) { try configure(&$0, sim) }
            do {
                let result = try await body(ProxyFixture(sim: sim, front: front))
                await front.shutdown()
                return result
            } catch {
                await front.shutdown()
                throw error
            }
        }
    }

    // MARK: Requests to kcache

    func url(_ path: String) -> String { baseURL + path }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await client.request("GET", url(path), headers: headers)
    }

    func watch(_ path: String, headers: [(String, String)] = []) async throws -> KubeTestSupport.WatchStream {
        try await client.watch(url(path), headers: headers)
    }

    /// A watch through kcache read by a `WatchReader` (for many watchers or many bytes, or
    /// reading under the test's control).
    func watchReader(_ path: String, headers: [(String, String)] = [], reading: WatchReader.Reading = .automatic) async throws -> WatchReader {
        try await WatchReader.open(url(path), headers: headers, reading: reading)
    }

    /// The cache kcache keeps for `resource`, if it caches it.
    func cache(_ resource: GroupVersionResource) -> ResourceCache? {
        proxy.registry.cache(for: resource)
    }

    /// Waits until kcache's cache of `resource` has reached KubeSim's current resourceVersion.
    func waitForCache(_ resource: GroupVersionResource, what: String = "") async throws {
        let target = sim.currentResourceVersion
        try await waitUntil(timeout: .seconds(60), "kcache's \(resource.resource) cache to reach RV \(target) \(what)") {
            (cache(resource)?.resourceVersion ?? .zero) >= target
        }
    }

    // MARK: Writes to KubeSim (the upstream's own writes)

    /// Creates a configmap in KubeSim; returns its resourceVersion.
    @discardableResult
    func create(_ namespace: String, _ name: String, data: [String: String] = ["k": "v"]) throws -> UInt64 {
        let body: [String: Any] = ["metadata": ["name": name, "namespace": namespace], "data": data]
        return try Self.resourceVersion(of: try sim.create(Self.configMaps, namespace: namespace, json: Self.json(body)))
    }

    /// Merge-patches a configmap's data in KubeSim; returns the new resourceVersion.
    @discardableResult
    func patch(_ namespace: String, _ name: String, data: [String: String]) throws -> UInt64 {
        let patch = try Self.json(["data": data])
        return try Self.resourceVersion(of: try sim.patch(Self.configMaps, namespace: namespace, name: name, patch: patch))
    }

    /// Deletes a configmap in KubeSim; returns the deletion's resourceVersion (KubeSim's RV
    /// right after it: a delete is one write).
    @discardableResult
    func delete(_ namespace: String, _ name: String) throws -> UInt64 {
        try sim.delete(Self.configMaps, namespace: namespace, name: name)
        return sim.currentResourceVersion.value
    }

    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object))
    }

    /// `metadata.resourceVersion` of an object's JSON.
    static func resourceVersion(of bytes: [UInt8]) throws -> UInt64 {
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let metadata = object?["metadata"] as? [String: Any]
        let text = try #require(metadata?["resourceVersion"] as? String, "no RV in \(String(decoding: bytes, as: UTF8.self))")
        return try #require(UInt64(text), "RV \(text) is not a number")
    }
}

/// A watch event parsed once (parsing `WatchEvent`'s views again for every field is slow over
/// tens of thousands of events).
struct ParsedEvent: Equatable, CustomStringConvertible {
    var type: String
    var namespace: String
    var name: String
    var uid: String
    var resourceVersion: UInt64

    init(_ event: WatchEvent) {
        let json = event.json
        let object = json["object"] as? [String: Any] ?? [:]
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        type = json["type"] as? String ?? "?"
        namespace = metadata["namespace"] as? String ?? ""
        name = metadata["name"] as? String ?? ""
        uid = metadata["uid"] as? String ?? ""
        resourceVersion = (metadata["resourceVersion"] as? String).flatMap(UInt64.init) ?? 0
    }

    init(type: String, namespace: String, name: String, uid: String, resourceVersion: UInt64) {
        self.type = type
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    var description: String { "\(type) \(namespace)/\(name)@\(resourceVersion)" }
}

extension KubeTestSupport.WatchStream {
    /// Every event received so far, parsed (takes them from the stream).
    func takeReceived() async throws -> [ParsedEvent] {
        var events: [ParsedEvent] = []
        while pending > 0, let event = try await next(timeout: .seconds(1)) {
            events.append(ParsedEvent(event))
        }
        return events
    }

    /// Waits until `count` events not yet taken have arrived (or the stream has ended), then
    /// takes and parses every event received.
    func receive(_ count: Int, timeout: Duration = .seconds(60), _ what: String = "") async throws -> [ParsedEvent] {
        try await waitUntil(timeout: timeout, "\(count) events on a watch \(what) (have \(pending))") {
            pending >= count || endReason != nil
        }
        return try await takeReceived()
    }
}
