import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import KubeUpstream
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A seeded KubeSim and a `CachingProxy` in front of it, both in-process on 127.0.0.1 port 0,
/// for tests that drive traffic through the proxy and scrape its `/metrics`.
///
/// `with` returns to its body once `/readyz` passes (every resource synced) and shuts both
/// down afterwards, whether the body returns or throws.
struct MetricsFixture {
    let sim: KubeSim
    let proxy: CachingProxy
    let baseURL: String
    let port: Int
    /// For watches.
    let client = TestHTTPClient()

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    static func with<T>(
        seed: SeedPlan = SeedPlan(namespaces: 2, configMapsPerNamespace: 4, podsPerNamespace: 2),
        readYourWritesTimeout: Duration = .milliseconds(200),
        _ body: (MetricsFixture) async throws -> T
    ) async throws -> T {
        let sim = KubeSim()
        try sim.seed(seed)
        try await sim.start(host: "127.0.0.1", port: 0)
        do {
            let result = try await withProxy(in: sim, readYourWritesTimeout: readYourWritesTimeout, body)
            try await sim.shutdown()
            return result
        } catch {
            try? await sim.shutdown()
            throw error
        }
    }

    private static func withProxy<T>(
        in sim: KubeSim, readYourWritesTimeout: Duration, _ body: (MetricsFixture) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "kcache.metrics-test")
        logger.logLevel = .error
        let cluster = try ClusterConfiguration.resolve(
            ClusterOptions(upstream: sim.baseURL), environment: [:],
            homeDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("kcache-metrics-home").path,
            serviceAccountDirectory: "/nonexistent/kcache-metrics/serviceaccount")
        var configuration = CachingProxy.Configuration(cluster: cluster)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.resources = ["configmaps", "pods"]
        configuration.router.readYourWritesTimeout = readYourWritesTimeout
        let proxy = try CachingProxy(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: proxy)], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        do {
            let address = try await proxy.localAddress()
            let fixture = MetricsFixture(
                sim: sim, proxy: proxy, baseURL: "http://127.0.0.1:\(address.port ?? 0)", port: address.port ?? 0)
            try await waitUntil(timeout: .seconds(15), "kcache's /readyz to pass") {
                (try? await fixture.get("/readyz"))?.status == 200
            }
            let result = try await body(fixture)
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }

    func get(_ path: String) async throws -> TestHTTPResponse {
        try await request("GET", path)
    }

    func post(_ path: String, json: String) async throws -> TestHTTPResponse {
        try await request("POST", path, headers: [("Content-Type", "application/json")], body: Array(json.utf8))
    }

    /// One request on its own connection (`Connection: close`), head, body and end written at
    /// once. (`TestHTTPClient.request` writes them one by one; a server that answers and closes
    /// before the last write — as kcache may for what it answers on the head — fails that
    /// write under load, losing the response.)
    func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> TestHTTPResponse {
        typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if method != "GET" { head.headers.add(name: "Content-Length", value: String(body.count)) }
        return try await connection.executeThenClose { inbound, outbound in
            let bodyParts: [HTTPClientRequestPart] = body.isEmpty ? [] : [.body(.byteBuffer(ByteBuffer(bytes: body)))]
            try await outbound.write(contentsOf: [.head(head)] + bodyParts + [.end(nil)])
            var response = TestHTTPResponse(status: 0, headers: [], body: [])
            for try await part in inbound {
                switch part {
                case .head(let head):
                    response.status = Int(head.status.code)
                    response.headers = head.headers.map { ($0.name, $0.value) }
                case .body(let buffer):
                    response.body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    return response
                }
            }
            throw TestHTTPClient.ClientError.closedBeforeResponse
        }
    }

    /// `GET /metrics`, parsed; fails the scrape when the exposition does not parse.
    func scrape() async throws -> Exposition {
        let response = try await get("/metrics")
        guard response.status == 200 else { throw Exposition.ParseError(line: "", reason: "GET /metrics answered \(response.status)") }
        return try Exposition(parsing: response.text)
    }
}
