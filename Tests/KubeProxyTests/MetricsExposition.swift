/// A scrape in the Prometheus text format (0.0.4), parsed strictly enough to reject what
/// Prometheus would: every line is a `# HELP`/`# TYPE` comment or a sample
/// `name{label="value",...} value`, each family's `# TYPE` comes once and before its samples,
/// and every sample belongs to the family declared last (histograms: `_bucket` with `le`,
/// `_sum`, `_count`).
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var reason: String
        var description: String { "\(reason): \(line)" }
    }

    /// Family name → `counter`, `gauge`, `histogram`, `summary` or `untyped`.
    private(set) var types: [String: String] = [:]
    private(set) var samples: [Sample] = []

    init(parsing text: String) throws {
        var family: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard words.count >= 3, words[0] == "#" else { throw ParseError(line: line, reason: "malformed comment") }
                guard words[1] == "TYPE" else { continue }
                guard words.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(words[3]) else {
                    throw ParseError(line: line, reason: "malformed TYPE line")
                }
                guard types[words[2]] == nil else { throw ParseError(line: line, reason: "second TYPE for a family") }
                guard Self.isMetricName(words[2]) else { throw ParseError(line: line, reason: "invalid metric name") }
                types[words[2]] = words[3]
                family = words[2]
                continue
            }
            let sample = try Self.sample(line)
            guard let family, let type = types[family], Self.belongs(sample, to: family, type: type) else {
                throw ParseError(line: line, reason: "sample outside its family's TYPE")
            }
            samples.append(sample)
        }
    }

    /// Samples named `name` whose labels include `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The sum of the samples `samples(name, labels)` selects; 0 when there are none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples(name, labels).reduce(0) { $0 + $1.value }
    }

    private static func belongs(_ sample: Sample, to family: String, type: String) -> Bool {
        guard type == "histogram" || type == "summary" else { return sample.name == family }
        if sample.name == family + "_bucket" { return sample.labels["le"] != nil }
        return sample.name == family + "_sum" || sample.name == family + "_count" || (type == "summary" && sample.name == family)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isMetricName(_ name: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
        }
        guard let first = name.utf8.first, isLetter(first) else { return false }
        return name.utf8.allSatisfy { isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    /// `name{label="value",...} value`, label values with `\\`, `\"` and `\n` escapes.
    private static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard isMetricName(name) else { throw ParseError(line: line, reason: "invalid sample name") }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { throw ParseError(line: line, reason: "label without =") }
                let labelName = String(rest[..<equals])
                guard isMetricName(labelName), !labelName.contains(":") else { throw ParseError(line: line, reason: "invalid label name") }
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { throw ParseError(line: line, reason: "unquoted label value") }
                rest = rest.dropFirst()
                var value = ""
                while true {
                    guard let character = rest.popFirst() else { throw ParseError(line: line, reason: "unterminated label value") }
                    if character == "\"" { break }
                    if character == "\\" {
                        switch rest.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw ParseError(line: line, reason: "invalid escape")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: labelName) == nil else { throw ParseError(line: line, reason: "repeated label") }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" {
                    throw ParseError(line: line, reason: "expected , or }")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw ParseError(line: line, reason: "no value") }
        let fields = rest.dropFirst().split(separator: " ")
        guard fields.count == 1 || fields.count == 2, let value = parseValue(fields[0]) else {
            throw ParseError(line: line, reason: "invalid value")
        }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func parseValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }
}
