/// What `KubeSim.seed(_:)` creates: `namespaces` namespaces named `<prefix>0…`, and in each
/// the given numbers of configmaps (`cm-<i>`), pods (`pod-<i>`), deployments (`deploy-<i>`) and
/// widgets (`widget-<i>`), plus `nodes` nodes (`node-<i>`) pods are scheduled on.
///
/// Every seeded object carries labels `app` (`app-<i % 5>`), `tier` (`frontend`, `backend`,
/// `cache` by `i % 3`) and `index` (`<i>`), so selectors have something to select.
public struct SeedPlan: Sendable, Hashable {
    public var namespaces: Int
    public var configMapsPerNamespace: Int
    public var podsPerNamespace: Int
    /// Bytes of data in each configmap (one `payload` key), 0 for a small default map.
    public var configMapDataBytes: Int
    public var deploymentsPerNamespace: Int
    public var widgetsPerNamespace: Int
    public var nodes: Int
    public var namespacePrefix: String

    public init(
        namespaces: Int = 3, configMapsPerNamespace: Int = 10, podsPerNamespace: Int = 10,
        configMapDataBytes: Int = 0, deploymentsPerNamespace: Int = 0, widgetsPerNamespace: Int = 0,
        nodes: Int = 3, namespacePrefix: String = "ns-"
    ) {
        self.namespaces = namespaces
        self.configMapsPerNamespace = configMapsPerNamespace
        self.podsPerNamespace = podsPerNamespace
        self.configMapDataBytes = configMapDataBytes
        self.deploymentsPerNamespace = deploymentsPerNamespace
        self.widgetsPerNamespace = widgetsPerNamespace
        self.nodes = nodes
        self.namespacePrefix = namespacePrefix
    }
}
