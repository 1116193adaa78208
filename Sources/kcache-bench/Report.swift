import Foundation

/// What a scenario measured: one row per figure of issue 8's table (measured, reference, ratio,
/// target, pass or miss), plus the parameters and the command that reproduces it. Printed as
/// a Markdown table and, with `--json`, written as JSON for the README generator.
struct ScenarioReport: Codable, Sendable {
    var scenario: String
    var command: String
    var parameters: [String: String] = [:]
    var rows: [Row] = []
    var notes: [String] = []

    /// One figure.
    struct Row: Codable, Sendable {
        var figure: String
        /// The median of the measured runs, in `unit`.
        var measured: Double
        var measuredText: String
        var reference: Double?
        var referenceText: String
        /// measured ÷ reference as the target states it (`nil` when there is none).
        var ratio: Double?
        var target: String
        var verdict: Verdict
        var unit: String
        /// Every run's value, measured and reference, in run order.
        var samples: [Double] = []
        var referenceSamples: [Double] = []
        /// The median of the per-round ratios (each round's measured ÷ that round's reference):
        /// a second view, robust to load that drifts between rounds.
        var pairedRatio: Double?
        var note: String?
    }

    enum Verdict: String, Codable, Sendable {
        case pass, miss
        /// A figure reported for information only.
        case info = "report only"
    }

    /// A ratio compared with its bound.
    enum Target: Sendable {
        case atMost(Double)
        case atLeast(Double)
        case info

        var text: String {
            switch self {
            case .atMost(let bound): "≤ \(Format.ratio(bound))"
            case .atLeast(let bound): "≥ \(Format.ratio(bound))"
            case .info: "report only"
            }
        }

        func verdict(_ ratio: Double) -> Verdict {
            switch self {
            case .atMost(let bound): ratio <= bound ? .pass : .miss
            case .atLeast(let bound): ratio >= bound ? .pass : .miss
            case .info: .info
            }
        }
    }

    /// Adds a row comparing the median of `measured` with the median of `reference`.
    mutating func compare(
        _ figure: String, measured: [Double], reference: [Double], unit: Format.Unit, target: Target, note: String? = nil
    ) {
        let value = Stats.median(measured)
        let base = Stats.median(reference)
        let ratio = base == 0 ? nil : value / base
        let pairs = zip(measured, reference).compactMap { $1 == 0 ? nil : $0 / $1 }
        let paired = pairs.isEmpty ? nil : Stats.median(pairs)
        var note = note
        if let ratio, let paired, target.verdict(ratio) != target.verdict(paired) {
            let disagreement = "the median of per-round ratios, \(Format.ratio(paired)), gives the other verdict: too close to call on this machine"
            note = note.map { $0 + "; " + disagreement } ?? disagreement
        }
        rows.append(Row(
            figure: figure, measured: value, measuredText: unit.format(value, spread: Stats.spreadPercent(measured)),
            reference: base, referenceText: unit.format(base, spread: Stats.spreadPercent(reference)), ratio: ratio,
            target: target.text, verdict: ratio.map(target.verdict) ?? .miss, unit: unit.name,
            samples: measured, referenceSamples: reference, pairedRatio: paired, note: note))
    }

    /// Adds a row whose verdict the scenario decided (counts, memory budgets).
    mutating func add(
        _ figure: String, measured: Double, measuredText: String, reference: Double? = nil, referenceText: String = "",
        ratio: Double? = nil, target: String, verdict: Verdict, unit: String, samples: [Double] = [], note: String? = nil
    ) {
        rows.append(Row(
            figure: figure, measured: measured, measuredText: measuredText, reference: reference,
            referenceText: referenceText, ratio: ratio, target: target, verdict: verdict, unit: unit,
            samples: samples, note: note))
    }

    /// The table, the notes and the reproduction command.
    func render() -> String {
        var out = "\n## \(scenario)\n\n"
        if !parameters.isEmpty {
            out += parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n\n"
        }
        out += Format.table(
            header: ["figure", "measured", "reference", "ratio", "target", "result"],
            rows: rows.map { row in
                [row.figure, row.measuredText, row.referenceText, row.ratio.map(Format.ratio) ?? "", row.target,
                 row.verdict == .miss ? "**miss**" : row.verdict.rawValue]
            },
            rightAligned: [1, 2, 3])
        for row in rows where row.note != nil { out += "\n- \(row.figure): \(row.note!)" }
        for note in notes { out += "\n- \(note)" }
        out += "\n\nreproduce: \(command)\n"
        return out
    }
}

/// The whole invocation, as `--json` writes it.
struct BenchReport: Codable, Sendable {
    var generatedAt: String
    var build: String
    var cores: Int
    var loadAverage: [Double]
    var command: String
    var scenarios: [ScenarioReport]
    /// Scenarios that could not run to the end (their error was printed).
    var failed: [String]
    var notes: [String]

    static func loadAverage() -> [Double] {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Numbers as people read them.
enum Format {
    /// How a row's values are shown.
    enum Unit {
        case seconds, requestsPerSecond, bytes, count

        var name: String {
            switch self {
            case .seconds: "s"
            case .requestsPerSecond: "requests/s"
            case .bytes: "bytes"
            case .count: "count"
            }
        }

        func format(_ value: Double, spread: Double? = nil) -> String {
            let text: String
            switch self {
            case .seconds: text = Format.duration(value)
            case .requestsPerSecond: text = Format.grouped(value) + " req/s"
            case .bytes: text = Format.bytes(value)
            case .count: text = Format.grouped(value)
            }
            guard let spread, spread >= 0.5 else { return text }
            return text + " ±\(Int(spread.rounded()))%"
        }
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 1 { return fixed(seconds, 2) + " s" }
        if seconds >= 1e-3 { return fixed(seconds * 1e3, seconds >= 0.1 ? 0 : 1) + " ms" }
        return fixed(seconds * 1e6, 0) + " µs"
    }

    static func bytes(_ value: Double) -> String {
        let magnitude = abs(value)
        let kibibyte = 1024.0
        if magnitude >= kibibyte * kibibyte * kibibyte { return fixed(value / (kibibyte * kibibyte * kibibyte), 2) + " GiB" }
        if magnitude >= kibibyte * kibibyte { return fixed(value / (kibibyte * kibibyte), 1) + " MiB" }
        if magnitude >= kibibyte { return fixed(value / kibibyte, 1) + " KiB" }
        return fixed(value, 0) + " B"
    }

    static func ratio(_ value: Double) -> String {
        (value >= 10 ? fixed(value, 0) : value >= 0.1 ? fixed(value, 2) : fixed(value, 3)) + "×"
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// An integer with thousands separators (`1,234,567`).
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()).magnitude)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + String(out.reversed())
    }

    /// A Markdown table with padded columns.
    static func table(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: " | ") + " |\n"
        }
        var out = line(header)
        out += "|" + widths.enumerated().map { index, width in
            rightAligned.contains(index) ? String(repeating: "-", count: width + 1) + ":" : String(repeating: "-", count: width + 2)
        }.joined(separator: "|") + "|\n"
        for row in rows { out += line(row) }
        return out
    }
}
