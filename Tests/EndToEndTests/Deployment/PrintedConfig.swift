import Foundation

/// The output of `--print-config`: one `key: value` line per key, in the table's order.
/// Values are plain or quoted scalars, flow lists (`[a, b]`) or `null` — the subset of YAML
/// that kcache prints, read here without a YAML library.
struct PrintedConfig: Sendable {
    enum Value: Equatable, Sendable, CustomStringConvertible {
        case text(String)
        case list([String])
        case null

        var description: String {
            switch self {
            case .text(let text): text
            case .list(let items): "[\(items.joined(separator: ", "))]"
            case .null: "null"
            }
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var description: String { "cannot read --print-config line: \(line)" }
    }

    var entries: [(key: String, value: Value)] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let colon = line.range(of: ": ") ?? (line.hasSuffix(":") ? line.range(of: ":", options: .backwards) : nil) else {
                throw ParseError(line: String(line))
            }
            let key = String(line[..<colon.lowerBound])
            let raw = String(line[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
            entries.append((key, try Self.value(raw, line: String(line))))
        }
    }

    var keys: [String] { entries.map(\.key) }

    subscript(key: String) -> Value? { entries.first { $0.key == key }?.value }

    private static func value(_ raw: String, line: String) throws -> Value {
        if raw == "null" || raw == "~" || raw.isEmpty { return .null }
        if raw.hasPrefix("[") {
            guard raw.hasSuffix("]") else { throw ParseError(line: line) }
            let inner = raw.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return .list([]) }
            return .list(inner.split(separator: ",").map { unquote($0.trimmingCharacters(in: .whitespaces)) })
        }
        return .text(unquote(raw))
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
        }
        return text
    }
}
