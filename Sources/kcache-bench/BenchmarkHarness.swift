/// Times benchmark cases fairly on a shared, noisy machine: every case is calibrated once, then
/// all cases run round by round in rotating order (A/B interleaving, so drift in machine load
/// hits every case alike), and each case reports the median of its rounds.
///
/// Single-threaded; a case's body returns an `Int` derived from its work, which the harness
/// folds into a checksum it prints, so the optimizer cannot drop the work.
struct BenchmarkHarness {
    var runs: Int
    var minimumDuration: Duration

    /// One thing to time: `body` performs one operation over `bytesPerOperation` input bytes
    /// yielding `objectsPerOperation` objects.
    struct Case {
        var name: String
        var input: String
        var bytesPerOperation: Int
        var objectsPerOperation: Int
        /// Name of the case this one is compared with in the "speed-up" column, if any.
        var baseline: String?
        var body: () throws -> Int
    }

    /// The median of a case's rounds, with the spread.
    struct Result {
        var testCase: Case
        var medianNanoseconds: Double
        var minimumNanoseconds: Double
        var maximumNanoseconds: Double

        var objectsPerSecond: Double { Double(testCase.objectsPerOperation) * 1e9 / medianNanoseconds }
        var megabytesPerSecond: Double { Double(testCase.bytesPerOperation) * 1e3 / medianNanoseconds }
    }

    func run(_ cases: [Case]) throws -> (results: [Result], checksum: Int) {
        var checksum = 0
        let clock = ContinuousClock()
        // Calibrate: iterations so that one round of a case lasts at least minimumDuration.
        var iterations: [Int] = []
        for testCase in cases {
            var count = 1
            while true {
                let start = clock.now
                for _ in 0..<count { checksum &+= try testCase.body() }
                if clock.now - start >= minimumDuration || count >= 1 << 24 { break }
                count *= 2
            }
            iterations.append(count)
        }
        var samples = [[Double]](repeating: [], count: cases.count)
        for round in 0..<runs {
            for offset in 0..<cases.count {
                let index = (offset + round) % cases.count
                let start = clock.now
                for _ in 0..<iterations[index] { checksum &+= try cases[index].body() }
                let elapsed = clock.now - start
                samples[index].append(BenchmarkHarness.nanoseconds(elapsed) / Double(iterations[index]))
            }
        }
        let results = zip(cases, samples).map { testCase, times in
            let sorted = times.sorted()
            return Result(testCase: testCase, medianNanoseconds: sorted[sorted.count / 2],
                          minimumNanoseconds: sorted[0], maximumNanoseconds: sorted[sorted.count - 1])
        }
        return (results, checksum)
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }

    /// Prints the results as a Markdown table.
    static func printTable(_ results: [Result]) {
        let byName = Dictionary(results.map { ($0.testCase.name, $0) }, uniquingKeysWith: { first, _ in first })
        let header = ["case", "input", "µs/op (median)", "spread", "objects/s", "MB/s", "speed-up"]
        var rows: [[String]] = []
        for result in results {
            let speedUp = result.testCase.baseline.flatMap { byName[$0] }
                .map { format($0.medianNanoseconds / result.medianNanoseconds, decimals: 1) + "×" } ?? ""
            let spread = "±" + format(100 * (result.maximumNanoseconds - result.minimumNanoseconds)
                                        / 2 / result.medianNanoseconds, decimals: 0) + "%"
            rows.append([result.testCase.name, result.testCase.input, format(result.medianNanoseconds / 1e3, decimals: 2),
                         spread, grouped(result.objectsPerSecond), grouped(result.megabytesPerSecond), speedUp])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + padding : padding + cell
            }.joined(separator: " | ") + " |"
        }
        print(line(header))
        print("|" + widths.enumerated().map { index, width in
            index < 2 ? String(repeating: "-", count: width + 2) : String(repeating: "-", count: width + 1) + ":"
        }.joined(separator: "|") + "|")
        for row in rows { print(line(row)) }
    }

    static func format(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if decimals == 0, text.hasSuffix(".0") { text.removeLast(2) }
        if decimals > 0 {
            let fraction = text.split(separator: ".").dropFirst().first?.count ?? 0
            if fraction == 0 { text += "." }
            text += String(repeating: "0", count: max(0, decimals - fraction))
        }
        return text
    }

    /// An integer with thousands separators (`1,234,567`).
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }
}
