import KubeAPI
import KubeCache
import Logging

/// Decides, for every request, who answers it: kcache's own endpoints, the cache, or the
/// upstream — and with which consistency.
///
/// `route(_:)` runs on the connection's event loop and must not block: what can be answered
/// at once (a cached read that needs no wait, an endpoint, an error) is answered there; what
/// must wait (for freshness, for a new kind to sync, for the upstream) becomes a deferred
/// route the connection runs as a task.
public final class Router: Sendable {
    public struct Configuration: Sendable {
        public var consistency: ConsistencyMode = .readYourWrites
        /// How long a read waits for the cache to reflect a write (`--ryw-timeout`).
        public var readYourWritesTimeout: Duration = .seconds(1)
        /// How long a read naming an RV the cache has not reached waits before going upstream.
        public var resourceVersionWait: Duration = .seconds(3)
        /// How long a WATCH of a kind just started on demand waits for its first sync.
        public var onDemandSyncWait: Duration = .seconds(10)
        public var bookmarkInterval: Duration = .seconds(60)
        /// Watches without `timeoutSeconds` end after this times a random factor in [1, 2),
        /// as the API server's `--min-request-timeout` does.
        public var defaultWatchTimeout: Duration = .seconds(1800)
        /// Restored data older than this is not served to reads without an RV until its
        /// resource has resynced (`--snapshot-max-age`).
        public var snapshotMaxAge: Duration = .seconds(3600)
        /// Most watches served from the cache at once (`--max-watchers`).
        public var maxWatchers = 10_000

        public init() {}
    }

    public let configuration: Configuration
    let registry: CacheRegistry
    let discovery: ResourceDiscovery
    let forwarder: any Forwarder
    let writeRecords: WriteRecords
    let endpoints: LocalEndpoints
    let statistics: ProxyStatistics
    /// Authorizes cached reads with `--auth passthrough`; nil with `--auth none`.
    let authorizer: CachedReadAuthorizer?
    public let watchLimiter: WatchLimiter
    let logger: Logger

    public init(
        configuration: Configuration, registry: CacheRegistry, discovery: ResourceDiscovery,
        forwarder: any Forwarder, writeRecords: WriteRecords, endpoints: LocalEndpoints,
        statistics: ProxyStatistics, authorizer: CachedReadAuthorizer? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.discovery = discovery
        self.forwarder = forwarder
        self.writeRecords = writeRecords
        self.endpoints = endpoints
        self.statistics = statistics
        self.authorizer = authorizer
        self.logger = logger
        watchLimiter = WatchLimiter(limit: configuration.maxWatchers)
    }

    public func route(_ request: ProxyRequest) -> Route {
        if let response = endpoints.respond(to: request) { return .response(response) }
        if request.header("Upgrade") != nil {
            return .response(.status(
                .badRequest("kcache does not proxy upgrade requests (exec, attach, port-forward); send them to the API server directly"),
                source: .cache))
        }
        let info: RequestInfo
        do {
            info = try RequestInfo(method: request.method, uri: request.uri)
        } catch {
            // The query is invalid for a read: the API server would answer exactly this, and
            // kcache answers it without asking (`X-Kcache-Source: cache`, as for every answer
            // kcache gives to an API request itself).
            return .response(.status(error, source: .cache))
        }
        guard info.isResourceRequest, let verb = info.verb, info.subresource.isEmpty,
              verb == .get || verb == .list || verb == .watch
        else { return passthrough(request, info: info) }
        // A resource already cached (perhaps restored while discovery cannot answer) is served
        // as the cache knows it.
        if let resource = registry.cache(for: info.groupVersionResource)?.resource.apiResource
            ?? discovery.resource(for: info.groupVersionResource) {
            return authorizedCachedRead(request, info: info, verb: verb, resource: resource)
        }
        // Unknown kind: perhaps just installed. Look again, then decide.
        return .deferred { [self] body in
            guard let resource = await discovery.resolve(info.groupVersionResource) else {
                return await forwarder.forward(request, info: info, body: body)
            }
            return await authorizedCachedRead(request, info: info, verb: verb, resource: resource).run(body: body)
        }
    }

    /// Forwards the request upstream.
    func passthrough(_ request: ProxyRequest, info: RequestInfo?) -> Route {
        .deferred { [forwarder] body in await forwarder.forward(request, info: info, body: body) }
    }
}

extension Route {
    /// Lets go of a route that will not be answered: a watch it opened on the cache stops (its
    /// place under `--max-watchers` goes with it); deferred work simply never runs.
    func discard() {
        if case .response(let response) = self, case .watch(let stream) = response.body {
            stream.watcher.stop()
        }
    }

    /// The response, running deferred work now.
    func run(body: RequestBody) async -> ProxyResponse {
        switch self {
        case .response(let response): response
        case .deferred(let work): await work(body)
        }
    }
}

/// Sends requests to the upstream API server and turns its answers into responses; records
/// what successful writes tell later reads.
public protocol Forwarder: Sendable {
    func forward(_ request: ProxyRequest, info: RequestInfo?, body: RequestBody) async -> ProxyResponse
}
