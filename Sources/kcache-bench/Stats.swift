/// Order statistics and the interleaving every scenario uses to compare a measurement with
/// its reference on a shared, noisy machine.
enum Stats {
    /// The median (the mean of the two middle values for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile (`p` in 0…100) of `values`; 0 for none.
    static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Half the min–max range relative to the median, in percent: how much the runs agree.
    static func spreadPercent(_ values: [Double]) -> Double {
        let middle = median(values)
        guard middle != 0, let low = values.min(), let high = values.max() else { return 0 }
        return 100 * (high - low) / 2 / middle
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Runs cases round by round in rotating order (A B, B A, A B …), so load that drifts over
/// the run falls on every case alike; each case yields one sample per round.
struct Interleaving {
    var runs: Int

    /// `measure(case)` once per case per round; returns the samples, per case, in case order.
    func run<Case>(_ cases: [Case], _ measure: (Case) async throws -> Double) async throws -> [[Double]] {
        var samples = [[Double]](repeating: [], count: cases.count)
        for round in 0..<runs {
            for offset in 0..<cases.count {
                let index = (offset + round) % cases.count
                samples[index].append(try await measure(cases[index]))
            }
        }
        return samples
    }
}

/// Times an operation that takes from microseconds to seconds: calibrated once so that one
/// sample repeats it for at least `minimumDuration` (the calibration doubles as warm-up), then
/// each sample is the mean time of one repetition.
final class OperationTimer {
    let minimumDuration: Duration
    private var iterations: [String: Int] = [:]

    init(minimumDuration: Duration) {
        self.minimumDuration = minimumDuration
    }

    /// Seconds per operation for one sample of `name`.
    func sample(_ name: String, _ operation: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        if iterations[name] == nil {
            var count = 1
            while true {
                let start = clock.now
                for _ in 0..<count { try await operation() }
                if clock.now - start >= minimumDuration || count >= 1 << 16 { break }
                count *= 2
            }
            iterations[name] = count
        }
        let count = iterations[name]!
        let start = clock.now
        for _ in 0..<count { try await operation() }
        return Stats.seconds(clock.now - start) / Double(count)
    }

    func iterations(of name: String) -> Int { iterations[name] ?? 0 }
}
