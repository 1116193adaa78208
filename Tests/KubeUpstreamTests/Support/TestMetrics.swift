import CoreMetrics
import Synchronization

/// A `MetricsFactory` that keeps counter values by label and sorted dimensions, so tests read
/// `kcache_upstream_*` counters without a global metrics system.
final class TestMetrics: MetricsFactory, Sendable {
    /// Counter values keyed `label{a=b,c=d}`; guarded by the mutex.
    private let counters = Mutex<[String: Int64]>([:])

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        "\(label){\(dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ","))}"
    }

    func value(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        counters.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        TestCounter(key: Self.key(label, dimensions), metrics: self)
    }

    func add(_ amount: Int64, to key: String) {
        counters.withLock { $0[key, default: 0] += amount }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Ignored() }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Ignored() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class TestCounter: CounterHandler, Sendable {
        let key: String
        let metrics: TestMetrics
        init(key: String, metrics: TestMetrics) {
            self.key = key
            self.metrics = metrics
        }
        func increment(by amount: Int64) { metrics.add(amount, to: key) }
        func reset() {}
    }

    private final class Ignored: RecorderHandler, TimerHandler, Sendable {
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }
}
