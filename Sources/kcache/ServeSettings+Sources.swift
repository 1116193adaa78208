import Foundation
import Yams

/// Reading settings from the config file and the command line.
extension ServeSettings {
    /// What `kcache serve`'s arguments ask for: a config file, settings, whether to print them.
    struct Arguments {
        var configFile: String?
        /// `--print-config`: print the effective settings as YAML and exit.
        var printConfig = false
        /// (key, value) pairs from flags, in order.
        var values: [(String, String)] = []
    }

    /// Settings from defaults, then the config file (if any), then the flags.
    static func resolve(_ arguments: Arguments) throws -> ServeSettings {
        var settings = ServeSettings()
        if let configFile = arguments.configFile {
            try settings.apply(try fileValues(configFile), source: "config file \(configFile)")
        }
        try settings.apply(arguments.values, source: "flag")
        return settings
    }

    /// Splits `--name value`, `--name=value`, `--flag` and `--no-flag` into (key, value) pairs;
    /// `--config FILE` and `--print-config` are returned apart.
    static func parse(_ arguments: [String]) throws(SettingsError) -> Arguments {
        var parsed = Arguments()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                throw SettingsError(key: argument, source: "flag", problem: "unexpected argument (flags are --name value)")
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if name == "config" {
                guard let file = value ?? (index < arguments.count ? arguments[index] : nil) else {
                    throw SettingsError(key: name, source: "flag", problem: "needs a file")
                }
                if value == nil { index += 1 }
                parsed.configFile = file
                continue
            }
            if name == "print-config" && value == nil {
                parsed.printConfig = true
                continue
            }
            if name.hasPrefix("no-"), let key = key(named: String(name.dropFirst(3))), key.isFlag, value == nil {
                parsed.values.append((key.name, "false"))
                continue
            }
            guard let key = key(named: name) else {
                throw SettingsError(key: name, source: "flag", problem: unknownKeyProblem(name, flag: true))
            }
            if let value {
                parsed.values.append((name, value))
            } else if key.isFlag {
                parsed.values.append((name, "true"))
            } else {
                guard index < arguments.count else {
                    throw SettingsError(key: name, source: "flag", problem: "needs a value")
                }
                parsed.values.append((name, arguments[index]))
                index += 1
            }
        }
        return parsed
    }

    /// The (key, value) pairs of a YAML config file: a mapping of keys to scalars or lists. A
    /// null value (`key:`, `~`, `null`) reads as empty, which unsets an optional setting.
    static func fileValues(_ path: String) throws -> [(String, String)] {
        let source = "config file \(path)"
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw SettingsError(key: "config", source: "flag", problem: "cannot read \(path)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw SettingsError(key: "config", source: source, problem: "not valid YAML: \(error)")
        }
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            throw SettingsError(key: "config", source: source, problem: "must be a mapping of keys to values")
        }
        var values: [(String, String)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw SettingsError(key: "\(keyNode)", source: source, problem: "keys must be strings")
            }
            switch valueNode {
            case .scalar(let scalar):
                values.append((key, valueNode.null != nil ? "" : scalar.string))
            case .sequence(let sequence):
                let items = try sequence.map { item -> String in
                    guard let string = item.string else {
                        throw SettingsError(key: key, source: source, problem: "list items must be plain values")
                    }
                    return string
                }
                values.append((key, items.joined(separator: ",")))
            default:
                throw SettingsError(key: key, source: source, problem: "must be a value or a list")
            }
        }
        return values
    }

    /// Help text for `--config`, `--print-config` and every key, for `kcache serve --help`: one
    /// flag per line, its help wrapped under a hanging indent to 79 columns (ArgumentParser
    /// would wrap longer lines at 80 without the indent).
    static var helpText: String {
        let rows = [
            ("--config FILE", "YAML file of settings: the keys below, without --"),
            ("--print-config", "print the effective settings as YAML and exit; checks them as serve does, but reads no other file"),
        ] + keys.map { ($0.isFlag ? "--[no-]\($0.name)" : "--\($0.name)", $0.help) }
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        let indent = String(repeating: " ", count: width)
        return rows.map { flag, help in
            var lines = [""]
            for word in help.split(separator: " ") {
                if !lines[lines.count - 1].isEmpty && width + lines[lines.count - 1].count + 1 + word.count > 79 { lines.append("") }
                lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + word
            }
            return flag.padding(toLength: width, withPad: " ", startingAt: 0) + lines.joined(separator: "\n" + indent)
        }.joined(separator: "\n")
    }
}
