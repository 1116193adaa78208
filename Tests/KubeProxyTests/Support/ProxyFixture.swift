import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// One test's world: a KubeSim (seeded) and a kcache in front of it, both in-process on port
/// 0, with the resources the test reads cached and synced before the test body runs. Each test
/// gets its own servers, so tests run in parallel.
///
/// Requests go to `baseURL` (kcache) — writes too: a write forwarded by kcache is what
/// read-your-writes learns from. `sim` is the upstream, for faults (`watchEventDelay`), request
/// counters, and writes made behind kcache's back. `replica()` starts another kcache on the
/// same KubeSim (a second replica that sees none of the first one's writes).
struct ProxyFixture: Sendable {
    struct Options: Sendable {
        var consistency: ConsistencyMode = .readYourWrites
        /// `--ryw-timeout`.
        var readYourWritesTimeout: Duration = .seconds(1)
        /// How long kcache waits for an RV a read names before asking the upstream (3 s).
        var resourceVersionWait: Duration = .seconds(3)
        /// `--resources`: cached up front and synced before the test starts.
        var resources = ["configmaps", "pods"]
        var seed: SeedPlan? = nil
        /// KubeSim's own wait for an RV it has not reached (the API server's 3 s).
        var upstreamResourceVersionWait: Duration = .milliseconds(500)
        /// Set on KubeSim once kcache has synced: every watch event arrives this much later.
        var watchEventDelay: Duration = .zero
    }

    let options: Options
    let sim: KubeSim
    let kcache: RunningProxy
    let client = TestHTTPClient()

    var baseURL: String { kcache.baseURL }
    var statistics: ProxyStatistics { kcache.statistics }

    static func with<T>(_ options: Options, _ body: (ProxyFixture) async throws -> T) async throws -> T {
        var simConfiguration = KubeSim.Configuration()
        simConfiguration.resourceVersionWaitTimeout = options.upstreamResourceVersionWait
        let sim = KubeSim(configuration: simConfiguration)
        if let seed = options.seed { try sim.seed(seed) }
        try await sim.start(host: "127.0.0.1", port: 0)
        let kcache: RunningProxy
        do {
            kcache = try await RunningProxy.start(configuration(options, upstream: sim))
        } catch {
            try? await sim.shutdown()
            throw error
        }
        sim.faults.watchEventDelay = options.watchEventDelay
        let fixture = ProxyFixture(options: options, sim: sim, kcache: kcache)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    private func stop() async {
        sim.faults.reset()
        await kcache.shutdown()
        try? await sim.shutdown()
    }

    static func configuration(_ options: Options, upstream: KubeSim) throws -> CachingProxy.Configuration {
        var configuration = try RunningProxy.configuration(upstream: upstream, resources: options.resources)
        configuration.router.consistency = options.consistency
        configuration.router.readYourWritesTimeout = options.readYourWritesTimeout
        configuration.router.resourceVersionWait = options.resourceVersionWait
        return configuration
    }

    /// Runs `body` with a second kcache, configured as this one, in front of the same KubeSim.
    func withReplica<T>(_ body: (RunningProxy) async throws -> T) async throws -> T {
        let replica = try await RunningProxy.start(Self.configuration(options, upstream: sim))
        do {
            let result = try await body(replica)
            await replica.shutdown()
            return result
        } catch {
            await replica.shutdown()
            throw error
        }
    }

    // MARK: Requests through kcache

    func url(_ path: String) -> String { baseURL + path }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await client.request("GET", url(path), headers: headers)
    }

    func watch(_ path: String) async throws -> KubeTestSupport.WatchStream {
        try await client.watch(url(path))
    }

    /// Creates a configmap through kcache (POST); returns what its answer says.
    func createConfigMap(
        _ namespace: String, _ name: String, data: [String: String], through client: TestHTTPClient? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Written {
        let response = try await (client ?? self.client).send(
            "POST", url("/api/v1/namespaces/\(namespace)/configmaps"), json: ConfigMapJSON.body(name: name, data: data))
        try #require(response.status == 201, "create \(namespace)/\(name): \(response.text)", sourceLocation: sourceLocation)
        return try Written(response, sourceLocation: sourceLocation)
    }

    /// Replaces a configmap's data through kcache (unconditional PUT).
    func updateConfigMap(
        _ namespace: String, _ name: String, data: [String: String], through client: TestHTTPClient? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Written {
        let response = try await (client ?? self.client).send(
            "PUT", url("/api/v1/namespaces/\(namespace)/configmaps/\(name)"),
            json: ConfigMapJSON.body(name: name, namespace: namespace, data: data))
        try #require(response.status == 200, "update \(namespace)/\(name): \(response.text)", sourceLocation: sourceLocation)
        return try Written(response, sourceLocation: sourceLocation)
    }

    /// Deletes a configmap through kcache; returns the uid its `Status` answer names.
    @discardableResult
    func deleteConfigMap(
        _ namespace: String, _ name: String, through client: TestHTTPClient? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await (client ?? self.client).request("DELETE", url("/api/v1/namespaces/\(namespace)/configmaps/\(name)"))
        try #require(response.status == 200, "delete \(namespace)/\(name): \(response.text)", sourceLocation: sourceLocation)
        let details = KubeBody(response).json["details"] as? [String: Any]
        return try #require(details?["uid"] as? String, "a Status naming the uid: \(response.text)", sourceLocation: sourceLocation)
    }
}

/// What a create or update answered: the object's resourceVersion and uid.
struct Written: Sendable, Hashable {
    var resourceVersion: UInt64
    var uid: String

    init(resourceVersion: UInt64, uid: String) {
        self.resourceVersion = resourceVersion
        self.uid = uid
    }

    init(_ response: TestHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let body = KubeBody(response)
        let text = try #require(body.resourceVersion, "an answer with a resourceVersion: \(response.text)", sourceLocation: sourceLocation)
        resourceVersion = try #require(UInt64(text), sourceLocation: sourceLocation)
        uid = body.uid ?? ""
    }

    /// From the bytes KubeSim's in-process object API answers.
    init(simAnswer bytes: [UInt8]) throws {
        try self.init(TestHTTPResponse(status: 200, headers: [], body: bytes))
    }
}

/// ConfigMap bodies for requests.
enum ConfigMapJSON {
    static func body(name: String, namespace: String? = nil, data: [String: String]) -> String {
        var metadata: [String: Any] = ["name": name]
        if let namespace { metadata["namespace"] = namespace }
        let object: [String: Any] = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data]
        let bytes = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A response's JSON body, read with Foundation's `JSONSerialization` (independent of the
/// readers kcache uses) for assertions on content.
struct KubeBody {
    let json: [String: Any]

    init(_ response: TestHTTPResponse) {
        json = response.object
    }

    init(json: [String: Any]) {
        self.json = json
    }

    var metadata: [String: Any] { json["metadata"] as? [String: Any] ?? [:] }
    var name: String? { metadata["name"] as? String }
    var resourceVersion: String? { metadata["resourceVersion"] as? String }
    var uid: String? { metadata["uid"] as? String }
    var data: [String: String]? { json["data"] as? [String: String] }
    var reason: String? { json["reason"] as? String }
    var items: [KubeBody] { (json["items"] as? [[String: Any]] ?? []).map(KubeBody.init(json:)) }

    func item(named name: String) -> KubeBody? {
        items.first { $0.name == name }
    }
}

extension TestHTTPResponse {
    /// `X-Kcache-Source`: `cache` or `upstream` (nil for kcache's own answers).
    var kcacheSource: String? { header("X-Kcache-Source") }
}
