import KubeAPI
import Metrics
import Synchronization

/// Read-your-writes, as it happens: `kcache_consistency_waits_total`,
/// `kcache_consistency_wait_duration_seconds` and `kcache_consistency_fallbacks_total`, by
/// `group`/`resource`, fed by `ProxyStatistics.observe` (push: a histogram needs every wait).
///
/// Called from whichever task recorded the event; handles are created once per resource under
/// a short lock.
final class ConsistencyMetrics: Sendable {
    private struct Handles {
        let waits: Counter
        let waitDuration: Timer
        let fallbacks: Counter
    }

    private let factory: any MetricsFactory
    /// Handles by resource; guarded by the mutex, held for a lookup or an insert.
    private let handles = Mutex<[GroupResourceKey: Handles]>([:])

    private struct GroupResourceKey: Hashable {
        var group: String
        var resource: String
    }

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(_ event: ProxyStatistics.Event) {
        switch event {
        case .wait(let resource, let duration):
            let handles = handles(for: resource)
            handles.waits.increment()
            handles.waitDuration.record(duration: duration)
        case .fallback(let resource):
            handles(for: resource).fallbacks.increment()
        }
    }

    private func handles(for resource: GroupVersionResource) -> Handles {
        let key = GroupResourceKey(group: resource.group, resource: resource.resource)
        return handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let labels = [("group", key.group), ("resource", key.resource)]
            let new = Handles(
                waits: Counter(label: MetricNames.consistencyWaits, dimensions: labels, factory: factory),
                waitDuration: Timer(label: MetricNames.consistencyWaitDuration, dimensions: labels, factory: factory),
                fallbacks: Counter(label: MetricNames.consistencyFallbacks, dimensions: labels, factory: factory))
            handles[key] = new
            return new
        }
    }
}
