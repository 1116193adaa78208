import KubeAPI
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A simulated Kubernetes API server: real list/watch semantics over HTTP (one global
/// resourceVersion, MVCC history, selectors, paging, bookmarks, WatchList), writes with the
/// registry's answers, discovery for kubectl, fault injection and request counters.
///
/// It is the independent upstream every kcache test, the demo and the benchmarks trust, and
/// shares no code with the cache. Thread-safe: every method may be called from any task;
/// `start` once, `shutdown` once. The in-process object API (`create`, `get`, `update`,
/// `delete`) goes through the same handlers as HTTP, so it produces the same events and
/// answers, without the socket.
///
/// Served: core/v1 namespaces, configmaps, secrets, pods (+status, log), services, nodes,
/// events; apps/v1 deployments (+status, scale); example.com/v1 widgets and custom resources
/// added at run time. Discovery (legacy and aggregated v2), a minimal OpenAPI v3 (enough for
/// kubectl's field-validation check), `/version`, health. JSON everywhere; protobuf for
/// ConfigMaps; PartialObjectMetadata on request. Paths, list options, selectors and continue
/// tokens are decoded by KubeAPI (`RequestInfo`, `ListOptions`, `LabelSelector`,
/// `FieldSelector`, `SelectableFields`, `ContinueToken`), so KubeSim answers bad requests with
/// the same 400s and 422s as the API server — and as kcache.
///
/// Deliberate differences from the API server, each because a test upstream needs no more:
/// no Table answers (406 for Table-only Accept; kubectl always offers JSON too), no gzip, no
/// managedFields or server-side apply (415), no unknown-field rejection for
/// `fieldValidation=Strict`, pods are deleted at once (no kubelet to finish a graceful delete),
/// namespace deletion removes the contents at once, no `kube-root-ca.crt` configmaps or
/// service accounts are created, `propagationPolicy` is ignored (no garbage collector).
public final class KubeSim: Sendable {
    let store: ObjectStore
    public let faults: Faults
    public let counters: RequestCounters
    let configuration: Configuration
    let logger: Logger
    let churn: ChurnGenerator
    let auth: SimAuth
    private let server = Mutex<HTTPServer?>(nil)
    private let group: any EventLoopGroup

    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "kubesim")) {
        self.configuration = configuration
        self.logger = logger
        store = ObjectStore(
            definitions: ResourceDefinition.builtins, historyLimit: configuration.historyLimit,
            watchQueueLimit: configuration.watchQueueLimit)
        faults = Faults(store: store)
        counters = RequestCounters()
        churn = ChurnGenerator(store: store)
        auth = SimAuth(policy: configuration.auth)
        group = MultiThreadedEventLoopGroup.singleton
        for namespace in configuration.initialNamespaces {
            _ = try? store.create(
                ResourceDefinition.namespaces.resource, namespace: nil, object: ObjectTemplates.namespace(namespace),
                options: WriteOptions())
        }
    }

    /// Binds the listener (port 0 picks a free port) and starts serving.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws {
        let sslContext = try configuration.tls.map { try $0.makeContext() }
        let router = SimRouter(
            store: store, faults: faults, counters: counters, configuration: configuration, auth: auth,
            control: SimControl(store: store, faults: faults, counters: counters, churn: churn), logger: logger)
        let server = HTTPServer(
            router: router, group: group, logger: logger, maximumBodyBytes: configuration.maximumRequestBodyBytes,
            sslContext: sslContext)
        try await server.start(host: host, port: port)
        self.server.withLock { $0 = server }
        hostName.withLock { $0 = host }
    }

    private let hostName = Mutex("127.0.0.1")

    /// The bound port (0 before `start`).
    public var port: Int {
        server.withLock { $0?.port ?? 0 }
    }

    /// `http://127.0.0.1:PORT`, or `https://…` when serving TLS.
    public var baseURL: String {
        let host = hostName.withLock { $0 }
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(configuration.tls == nil ? "http" : "https")://\(shown):\(port)"
    }

    /// Stops churn, ends every watch and closes the listener and connections.
    public func shutdown() async throws {
        churn.stop()
        store.dropAllWatches()
        let server = self.server.withLock { server -> HTTPServer? in
            defer { server = nil }
            return server
        }
        await server?.shutdown()
    }

    /// Installs a custom resource, as applying a CRD does: served and in discovery at once.
    public func addCustomResource(_ definition: CustomResourceDefinition) {
        store.register(definition.definition)
    }

    /// Installs a custom resource from its parts (see `CustomResourceDefinition`).
    public func addCustomResource(
        group: String, version: String, kind: String, plural: String, namespaced: Bool = true,
        selectableFields: [String] = []
    ) {
        addCustomResource(CustomResourceDefinition(
            group: group, version: version, kind: kind, plural: plural, namespaced: namespaced,
            selectableFields: selectableFields))
    }

    /// The resourceVersion of the last write (global across kinds).
    public var currentResourceVersion: ResourceVersion {
        ResourceVersion(store.currentResourceVersion)
    }

    /// Starts writing `writesPerSecond` changes (updates, creates, deletes of configmaps and
    /// pods in seeded namespaces) until `stopChurn()`; replaces a running churn.
    public func startChurn(writesPerSecond: Int) {
        churn.start(writesPerSecond: writesPerSecond)
    }

    public func stopChurn() {
        churn.stop()
    }

    /// Writes performed by the churn generator so far.
    public var churnWrites: Int { churn.writes }

    /// Open watch streams right now.
    public var openWatchCount: Int { store.openWatchCount }
}
