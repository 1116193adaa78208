import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import Synchronization
import Testing

/// A KubeSim (seeded with `ns-0…`/`cm-0…` configmaps, bookmarks every 200 ms) and a kcache in
/// front of it caching configmaps, for the hardening tests; both stopped when `body` ends,
/// however it ends.
struct HardeningFixture: Sendable {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    let sim: KubeSim
    let kcache: KcacheInstance
    let client = TestHTTPClient()

    var baseURL: String { kcache.baseURL }

    static func with<T>(
        seed: SeedPlan = SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 0, nodes: 0),
        simConfiguration: (inout KubeSim.Configuration) -> Void = { _ in },
        configure: (inout CachingProxy.Configuration) throws -> Void = { _ in },
        _ body: (HardeningFixture) async throws -> T
    ) async throws -> T {
        var configuration = KubeSim.Configuration()
        configuration.bookmarkInterval = .milliseconds(200)
        configuration.resourceVersionWaitTimeout = .milliseconds(300)
        simConfiguration(&configuration)
        let sim = KubeSim(configuration: configuration)
        try sim.seed(seed)
        try await sim.start(host: "127.0.0.1", port: 0)
        do {
            var proxyConfiguration = try KcacheInstance.configuration(upstream: sim)
            try configure(&proxyConfiguration)
            let kcache = try await KcacheInstance.start(proxyConfiguration)
            do {
                let result = try await body(HardeningFixture(sim: sim, kcache: kcache))
                await kcache.shutdown()
                try? await sim.shutdown()
                return result
            } catch {
                await kcache.shutdown()
                throw error
            }
        } catch {
            try? await sim.shutdown()
            throw error
        }
    }

    func get(_ path: String) async throws -> TestHTTPResponse {
        try await client.request("GET", baseURL + path)
    }

    /// The keys, UIDs and RVs of KubeSim's configmaps now (read in-process, past any fault).
    func simState() throws -> [String: WriteLog.Version] {
        try ListedObjects(TestHTTPResponse(status: 200, headers: [], body: try sim.list(Self.configMaps))).objects
    }

    /// Waits until a LIST of configmaps through kcache, answered from the cache, holds exactly
    /// what KubeSim holds, and every object's bytes from kcache equal KubeSim's.
    func expectCacheEqualsSim(_ what: String = "the cache to equal KubeSim") async throws {
        try await waitUntil(timeout: .seconds(60), what) {
            guard let response = try? await get("/api/v1/configmaps"), response.status == 200,
                  response.header("X-Kcache-Source") == "cache", let list = try? ListedObjects(response)
            else { return false }
            return list.objects == (try simState())
        }
        for (key, _) in try simState() {
            let parts = key.split(separator: "/").map(String.init)
            let fromSim = try JSONSerialization.jsonObject(with: Data(try sim.get(Self.configMaps, namespace: parts[0], name: parts[1]))) as? NSDictionary
            let response = try await get("/api/v1/namespaces/\(parts[0])/configmaps/\(parts[1])")
            #expect(response.status == 200 && response.header("X-Kcache-Source") == "cache", "GET \(key) from the cache")
            #expect(response.json as? NSDictionary == fromSim, "\(key): kcache's object is KubeSim's")
        }
    }

    /// Makes kcache miss `writes` and come back to compacted history, so that its re-watch
    /// gets `410 Expired` and it relists: the upstream goes down (watches dropped), `writes`
    /// happen, history is compacted, the upstream comes back.
    func relistAfter(_ writes: () throws -> Void) rethrows {
        sim.faults.isDown = true
        sim.faults.dropAllWatches()
        try writes()
        sim.faults.compactHistory()
        sim.faults.isDown = false
    }

    /// Sends a JSON write through kcache and waits at most `timeout` for the answer: a request
    /// kcache never answered fails the test instead of hanging it (the request is abandoned).
    func write(_ method: String, _ path: String, json: String, timeout: Duration = .seconds(60)) async throws -> TestHTTPResponse {
        let answer = Mutex<Result<TestHTTPResponse, any Error>?>(nil)
        let client = self.client
        let url = baseURL + path
        let request = Task {
            let result: Result<TestHTTPResponse, any Error>
            do {
                result = .success(try await client.send(method, url, json: json))
            } catch {
                result = .failure(error)
            }
            answer.withLock { $0 = result }
        }
        do {
            try await waitUntil(timeout: timeout, "kcache to answer \(method) \(path)") { answer.withLock { $0 != nil } }
        } catch {
            request.cancel()
            throw error
        }
        return try answer.withLock { $0! }.get()
    }

    /// Creates a configmap in KubeSim directly (another client's write); returns its RV.
    @discardableResult
    func createInSim(_ namespace: String, _ name: String, data: String = "v") throws -> UInt64 {
        let json = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"k":"\#(data)"}}"#
        return try Writer.version(of: try sim.create(Self.configMaps, namespace: namespace, json: Array(json.utf8))).resourceVersion
    }
}

extension TestHTTPResponse {
    /// `reason` of a `Status` body.
    var statusReason: String? { object["reason"] as? String }
    /// `code` of a `Status` body.
    var statusCode: Int? { object["code"] as? Int }
    /// Whether the body is a `Status` with this response's code.
    var isStatus: Bool {
        object["kind"] as? String == "Status" && object["apiVersion"] as? String == "v1" && statusCode == status
    }
}
