import KubeAPI
import Synchronization

/// Counters of the proxy's consistency decisions, by resource: read-your-writes waits, their
/// total duration, and fallbacks to the upstream. Read by metrics and tests.
public final class ProxyStatistics: Sendable {
    public struct Counters: Sendable, Hashable {
        public var waits = 0
        public var waitSeconds = 0.0
        public var fallbacks = 0
    }

    private let state = Mutex<[GroupVersionResource: Counters]>([:])
    private let observers = Mutex<[@Sendable (Event) -> Void]>([])

    /// What was recorded, for metric backends.
    public enum Event: Sendable {
        case wait(GroupVersionResource, Duration)
        case fallback(GroupVersionResource)
    }

    public init() {}

    public func counters(for resource: GroupVersionResource) -> Counters {
        state.withLock { $0[resource] ?? Counters() }
    }

    /// The sum over every resource.
    public var total: Counters {
        state.withLock { all in
            all.values.reduce(into: Counters()) {
                $0.waits += $1.waits
                $0.waitSeconds += $1.waitSeconds
                $0.fallbacks += $1.fallbacks
            }
        }
    }

    /// Calls `observer` on every later record.
    public func observe(_ observer: @escaping @Sendable (Event) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    func record(wait resource: GroupVersionResource, duration: Duration) {
        state.withLock {
            $0[resource, default: Counters()].waits += 1
            $0[resource, default: Counters()].waitSeconds += Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        notify(.wait(resource, duration))
    }

    func record(fallback resource: GroupVersionResource) {
        state.withLock { $0[resource, default: Counters()].fallbacks += 1 }
        notify(.fallback(resource))
    }

    private func notify(_ event: Event) {
        for observer in observers.withLock({ $0 }) { observer(event) }
    }
}
