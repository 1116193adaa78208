import KubeAPI
import KubeCache
import KubeSnapshot
import KubeUpstream
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// kcache assembled: the upstream client, discovery, the caches and their reflectors, the
/// router and the HTTP server — everything `kcache serve` runs, usable in-process by tests.
///
/// A `Service`: `run()` starts discovery and the server, starts caching the configured
/// resources as soon as discovery knows them, and returns after graceful shutdown, with
/// every reflector stopped and every watcher ended.
public final class CachingProxy: Service {
    public struct Configuration: Sendable {
        public var server = HTTPServer.Configuration()
        public var cluster: ClusterConfiguration
        public var upstream = UpstreamClient.Configuration()
        public var registry = CacheRegistry.Configuration()
        public var router = Router.Configuration()
        /// Resources cached from the start (`--resources`), as `resource` or `resource.group`.
        public var resources: [String] = []
        public var authentication: UpstreamForwarder.Authentication = .none
        /// How cached reads are authorized with `--auth passthrough` (`--authz-cache-ttl`).
        public var authorization = CachedReadAuthorizer.Configuration()
        /// How often discovery is refreshed in the background.
        public var discoveryInterval: Duration = .seconds(60)
        /// Snapshots to restore from at start and save to (`--snapshot`); nil for none.
        public var snapshot: SnapshotStore.Configuration?
        /// A write forwarded upstream is answered `503` when the upstream sends nothing for this
        /// long (an API server that accepted the connection and hangs): the API server itself
        /// gives up on a request after 60 s, so a longer silence means it never will answer.
        /// (libcurl judges silence by its average speed over the last 5 s: allow up to 5 s more.)
        public var upstreamWriteTimeout: Duration = .seconds(70)

        public init(cluster: ClusterConfiguration) {
            self.cluster = cluster
        }
    }

    public let configuration: Configuration
    public let client: UpstreamClient
    public let discovery: ResourceDiscovery
    public let registry: CacheRegistry
    public let router: Router
    public let server: HTTPServer
    public let writeRecords: WriteRecords
    public let snapshots: SnapshotStore?
    public let statistics = ProxyStatistics()
    /// What `/metrics` exports; its `factory` is for components that emit their own metrics.
    public let metrics: ProxyMetrics
    /// Authorizes cached reads (`--auth passthrough`); nil with `--auth none`.
    public let authorizer: CachedReadAuthorizer?
    private let logger: Logger
    /// `--resources` names with their resources once resolved.
    private let required: RequiredResources

    /// - Parameters:
    ///   - observer: told about every request, besides the metrics.
    ///   - metrics: where metrics go; by default a registry of this proxy's own. The upstream
    ///     client and the snapshot store report to it too, unless their configuration's
    ///     `metricsFactory` says otherwise.
    public init(
        configuration: Configuration, observer: (any RequestObserver)? = nil, metrics: ProxyMetrics = ProxyMetrics(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        let required = RequiredResources(names: configuration.resources)
        self.required = required
        var upstream = configuration.upstream
        if upstream.metricsFactory == nil { upstream.metricsFactory = metrics.factory }
        let client = try UpstreamClient(cluster: configuration.cluster, configuration: upstream, logger: logger)
        self.client = client
        discovery = ResourceDiscovery(
            fetch: { path in
                let response = try await client.send(UpstreamRequest(method: "GET", pathAndQuery: path, headers: ["Accept": "application/json"], verb: "get"))
                guard response.status == 200 else {
                    throw UpstreamListerWatcher.status(code: response.status, body: response.body)
                }
                return response.body
            },
            refreshInterval: configuration.discoveryInterval, logger: logger)
        registry = CacheRegistry(configuration: configuration.registry, logger: logger) { resource in
            UpstreamListerWatcher(client: client, resource: resource)
        }
        writeRecords = WriteRecords(unknownWindow: configuration.router.readYourWritesTimeout)
        snapshots = configuration.snapshot.map { snapshot in
            var snapshot = snapshot
            if snapshot.metricsFactory == nil { snapshot.metricsFactory = metrics.factory }
            return SnapshotStore(configuration: snapshot, logger: logger)
        }
        let forwarder = UpstreamForwarder(
            client: client, writeRecords: writeRecords, authentication: configuration.authentication,
            writeTimeout: configuration.upstreamWriteTimeout, logger: logger)
        authorizer = configuration.authentication == .passthrough
            ? CachedReadAuthorizer(
                configuration: configuration.authorization,
                reviewer: UpstreamAccessReviewer(client: client, timeout: configuration.authorization.reviewTimeout),
                metrics: metrics.authorization, logger: logger)
            : nil
        let discovery = self.discovery
        let caches = self.registry
        // The upstream is failing when discovery says so, or when a cache's list/watch does
        // (discovery is refreshed only every `discoveryInterval`).
        let endpoints = LocalEndpoints(
            registry: registry, requiredResources: { required.all }, metrics: { metrics.render() },
            upstreamProblem: { discovery.lastError ?? caches.upstreamProblem })
        router = Router(
            configuration: configuration.router, registry: registry, discovery: discovery, forwarder: forwarder,
            writeRecords: writeRecords, endpoints: endpoints, statistics: statistics, authorizer: authorizer, logger: logger)
        metrics.collect(registry)
        metrics.observe(statistics)
        metrics.observe(router.watchLimiter)
        server = HTTPServer(
            configuration: configuration.server, router: router,
            observer: RequestObservers(
                first: metrics.requests,
                second: observer.map { RequestObservers(first: RequestLog(logger: logger), second: $0) } ?? RequestLog(logger: logger)),
            group: group, logger: logger)
    }

    /// The address the server listens on, once bound.
    public func localAddress() async throws -> SocketAddress {
        try await server.localAddress()
    }

    public func run() async throws {
        await restoreSnapshot()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [self] in await discovery.run() }
            group.addTask { [self] in await startConfiguredResources() }
            if let snapshots {
                group.addTask { [registry] in await snapshots.runPeriodicSaves(caches: { registry.caches }) }
            }
            // Graceful shutdown reaches every connection (`ShutdownNotifier`): watches end at
            // once, other responses finish, and a client that does not read is cut off after
            // the grace period; then the server returns.
            try await server.run()
            // The server returns after graceful shutdown: stop everything else, then save what
            // the caches hold so the next start resumes from here.
            group.cancelAll()
            registry.shutdown()
            if let snapshots {
                await snapshots.save(registry.caches)
                await snapshots.close()
            }
            client.shutdown()
        }
    }

    /// Loads the snapshot, if any, and starts a cache for every resource in it, filled with
    /// the saved objects and history: reads are answered at once and each reflector resumes
    /// its watch from the saved RV instead of listing.
    private func restoreSnapshot() async {
        guard let snapshots else { return }
        let start = ContinuousClock.now
        let restored = await snapshots.load()
        for resource in restored {
            registry.startCache(for: resource.apiResource, restoring: { resource.restore(into: $0) })
        }
        if !restored.isEmpty {
            logger.info("restored from snapshot", metadata: [
                "resources": "\(restored.count)", "objects": "\(restored.reduce(0) { $0 + $1.store.count })",
                "duration": "\(ContinuousClock.now - start)",
            ])
        }
    }

    /// Starts caching `--resources` once discovery can resolve them; retries until it can.
    private func startConfiguredResources() async {
        var pending = configuration.resources
        while !pending.isEmpty && !Task.isCancelled {
            var unresolved: [String] = []
            let known = discovery.resources + registry.caches.map(\.resource.apiResource)
            for name in pending {
                if let resource = Self.resolve(name, in: known) {
                    required.resolve(name, to: resource.groupVersionResource)
                    registry.startCache(for: resource, restoring: nil)
                } else {
                    unresolved.append(name)
                }
            }
            if !unresolved.isEmpty && discovery.hasSucceeded {
                logger.warning("unknown resources in --resources; retrying", metadata: ["resources": "\(unresolved)"])
            }
            pending = unresolved
            if !pending.isEmpty {
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
        }
    }

    /// The resource a `--resources` entry names: `pods`, `deployments.apps`, `widgets.example.com`
    /// (the first version discovery lists for the group; the core group has no suffix).
    static func resolve(_ name: String, in resources: [APIResource]) -> APIResource? {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let resource = parts[0]
        let group = parts.count > 1 ? parts[1] : ""
        return resources
            .filter { $0.groupVersionResource.resource == resource && $0.groupVersionResource.group == group && $0.isListWatchable }
            .min { $0.groupVersionResource.version < $1.groupVersionResource.version }
    }
}

/// The `--resources` names and, once discovery has resolved them, their resources.
final class RequiredResources: Sendable {
    /// Guarded by the mutex.
    private let entries: Mutex<[(name: String, resource: GroupVersionResource?)]>

    init(names: [String]) {
        entries = Mutex(names.map { ($0, nil) })
    }

    var all: [(name: String, resource: GroupVersionResource?)] { entries.withLock { $0 } }

    func resolve(_ name: String, to resource: GroupVersionResource) {
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.name == name }) { entries[index].resource = resource }
        }
    }
}

/// Two observers, told in order.
struct RequestObservers: RequestObserver {
    let first: any RequestObserver
    let second: any RequestObserver

    func completed(_ request: ProxyRequest, response: ProxyResponse?, duration: Duration) {
        first.completed(request, response: response, duration: duration)
        second.completed(request, response: response, duration: duration)
    }

    func limitExceeded(_ limit: ExceededLimit) {
        first.limitExceeded(limit)
        second.limitExceeded(limit)
    }
}
