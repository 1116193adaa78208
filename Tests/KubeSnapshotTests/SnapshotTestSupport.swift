import CoreMetrics
import Foundation
import Synchronization

/// An error a test hook throws to make a save fail.
struct InjectedFailure: Error, CustomStringConvertible {
    var description: String { "injected failure" }
}

/// A flag a test sets and a hook takes (reads and clears) from another thread.
final class ManualFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    func take() -> Bool { value.withLock { flag in defer { flag = false }; return flag } }
}

/// A metrics factory that remembers the last value (recorders), sum (counters) and number of
/// recordings (timers) per label.
final class RecordingMetrics: MetricsFactory {
    private let values = Mutex<[String: Double]>([:])
    private let counts = Mutex<[String: Int]>([:])

    func value(_ label: String) -> Double? { values.withLock { $0[label] } }
    func count(_ label: String) -> Int { counts.withLock { $0[label] ?? 0 } }

    fileprivate func add(_ label: String, _ amount: Double) {
        values.withLock { $0[label, default: 0] += amount }
        counts.withLock { $0[label, default: 0] += 1 }
    }

    fileprivate func set(_ label: String, _ value: Double) {
        values.withLock { $0[label] = value }
        counts.withLock { $0[label, default: 0] += 1 }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Handler(label, self) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(label, self)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Handler(label, self) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Handler: CounterHandler, RecorderHandler, TimerHandler {
        let label: String
        let metrics: RecordingMetrics

        init(_ label: String, _ metrics: RecordingMetrics) {
            self.label = label
            self.metrics = metrics
        }

        func increment(by amount: Int64) { metrics.add(label, Double(amount)) }
        func reset() { metrics.set(label, 0) }
        func record(_ value: Int64) { metrics.set(label, Double(value)) }
        func record(_ value: Double) { metrics.set(label, value) }
        func recordNanoseconds(_ duration: Int64) { metrics.set(label, Double(duration) / 1e9) }
    }
}
