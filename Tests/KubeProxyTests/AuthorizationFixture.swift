import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// kcache in-process in front of a KubeSim that authenticates and authorizes by a policy
/// (`AuthorizationFixture.policy`), on 127.0.0.1 port 0: what the authorization and TLS tests
/// share.
///
/// kcache talks to KubeSim with its own token (`kcache-token`, a service account allowed to
/// read everything and create reviews). Decision TTLs are measured on `clock`, which moves
/// only when a test advances it, so TTL tests need no sleeps. `start` returns once `/readyz`
/// passes, so the first read of a `--resources` kind is answered from the cache.
struct AuthorizationFixture: Sendable {
    static let kcacheToken = "kcache-token"
    static let aliceToken = "alice-token"
    static let bobToken = "bob-token"
    static let nodeToken = "node-0-token"

    /// - kcache's service account: reads everything, creates reviews.
    /// - alice (group `team-a`): reads and writes configmaps, secrets, pods and widgets in `ns-0`.
    /// - bob: reads configmaps in `ns-1` only.
    /// - `system:node:node-0`: lists and watches pods everywhere, but only those on its node
    ///   (`fieldSelector=spec.nodeName=node-0`), as the Node authorizer allows a kubelet.
    static var policy: KubeSim.AuthPolicy {
        KubeSim.AuthPolicy(
            tokens: [
                kcacheToken: .init(name: "system:serviceaccount:kcache:kcache", groups: ["system:serviceaccounts"]),
                aliceToken: .init(name: "alice", groups: ["team-a"]),
                bobToken: .init(name: "bob"),
                nodeToken: .init(name: "system:node:node-0", groups: ["system:nodes"]),
            ],
            rules: [
                .init([.user("system:serviceaccount:kcache:kcache")], verbs: ["get", "list", "watch"]),
                .init([.user("system:serviceaccount:kcache:kcache")], verbs: ["create"],
                      apiGroups: ["authentication.k8s.io", "authorization.k8s.io"],
                      resources: ["tokenreviews", "subjectaccessreviews"]),
                .init([.group("team-a")], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
                      apiGroups: ["", "example.com"], resources: ["configmaps", "secrets", "pods", "pods/status", "widgets"],
                      namespaces: ["ns-0"]),
                .init([.user("bob")], verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["configmaps"],
                      namespaces: ["ns-1"]),
                .init([.user("system:node:node-0")], verbs: ["list", "watch"], apiGroups: [""], resources: ["pods"],
                      requiredFieldSelector: ["spec.nodeName": "node-0"]),
            ])
    }

    let sim: KubeSim
    let proxy: CachingProxy
    let group: ServiceGroup
    let running: Task<Void, any Error>
    /// `http://127.0.0.1:PORT` (or `https://` with TLS).
    let baseURL: String
    let clock: TestClock
    let directory: URL
    let client = TestHTTPClient()

    struct Options: Sendable {
        var authentication: UpstreamForwarder.Authentication = .passthrough
        var resources = ["configmaps", "secrets", "pods"]
        var tls: NIOSSLContext?
        var seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 4, widgetsPerNamespace: 2, nodes: 2)
    }

    /// Runs `body` with a fresh KubeSim (policy enforced, seeded, plus a secret per namespace)
    /// and kcache in front of it; shuts both down afterwards.
    static func with<T>(_ options: Options = Options(), _ body: (AuthorizationFixture) async throws -> T) async throws -> T {
        var simConfiguration = KubeSim.Configuration()
        simConfiguration.auth = policy
        simConfiguration.resourceVersionWaitTimeout = .milliseconds(300)
        let sim = KubeSim(configuration: simConfiguration)
        try sim.seed(options.seed)
        for namespace in 0..<options.seed.namespaces {
            try sim.create(
                GroupVersionResource(group: "", version: "v1", resource: "secrets"), namespace: "ns-\(namespace)",
                json: Array(#"{"metadata":{"name":"db-password"},"data":{"password":"aHVudGVyMg=="}}"#.utf8))
        }
        try await sim.start()
        let fixture: AuthorizationFixture
        do {
            fixture = try await start(sim: sim, options: options)
        } catch {
            try? await sim.shutdown()
            throw error
        }
        do {
            let result = try await body(fixture)
            await fixture.shutdown()
            return result
        } catch {
            await fixture.shutdown()
            throw error
        }
    }

    private static func start(sim: KubeSim, options: Options) async throws -> AuthorizationFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-authz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokenFile = directory.appendingPathComponent("token")
        try kcacheToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: sim.baseURL, tokenFile: tokenFile.path), environment: [:],
            homeDirectory: directory.path, serviceAccountDirectory: "/nonexistent/kcache-authz/serviceaccount")
        let clock = TestClock()
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.server.tls = options.tls
        configuration.resources = options.resources
        configuration.registry.exclude = []
        configuration.authentication = options.authentication
        configuration.authorization.now = clock.function

        var logger = Logger(label: "kcache.authz-test")
        logger.logLevel = ProcessInfo.processInfo.environment["KCACHE_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let port: Int
        do {
            port = try await proxy.localAddress().port ?? 0
        } catch {
            running.cancel()
            throw error
        }
        let fixture = AuthorizationFixture(
            sim: sim, proxy: proxy, group: group, running: running,
            baseURL: "\(options.tls == nil ? "http" : "https")://127.0.0.1:\(port)", clock: clock, directory: directory)
        do {
            try await waitUntil(timeout: .seconds(30), "kcache's caches of \(options.resources) to sync") {
                let caches = proxy.registry.caches
                return caches.count >= options.resources.count && caches.allSatisfy(\.readiness.isReady)
            }
        } catch {
            await fixture.shutdown()
            throw error
        }
        return fixture
    }

    func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        try? await sim.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A request to kcache with `token` as bearer token (none when nil).
    func request(
        _ path: String, token: String?, method: String = "GET", headers: [(String, String)] = [], body: String? = nil
    ) async throws -> TestHTTPResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        if body != nil { all.append(("Content-Type", "application/json")) }
        return try await client.request(method, baseURL + path, headers: all, body: body.map { Array($0.utf8) })
    }

    /// The same request straight to KubeSim, as the API server would answer it.
    func requestUpstream(_ path: String, token: String?) async throws -> TestHTTPResponse {
        try await client.request("GET", sim.baseURL + path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    /// Reviews KubeSim has answered so far.
    var tokenReviews: Int { sim.counters.count(verb: "create", resource: "tokenreviews") }
    var accessReviews: Int { sim.counters.count(verb: "create", resource: "subjectaccessreviews") }
}

/// A clock for decision TTLs that moves only when told.
final class TestClock: Sendable {
    private let start = ContinuousClock.now
    /// How far the clock has been moved; guarded by the mutex.
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }

    var function: @Sendable () -> ContinuousClock.Instant { { self.now } }
}

extension TestHTTPResponse {
    /// The Status body's `reason`, `message` and `code`.
    var statusReason: String? { object["reason"] as? String }
    var statusMessage: String? { object["message"] as? String }
    var kind: String? { object["kind"] as? String }
    /// The Status body's `details`, as strings (name, group, kind).
    var statusDetails: [String: String] {
        (object["details"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }
    var itemNames: [String] {
        (object["items"] as? [[String: Any]] ?? []).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
    }
}
