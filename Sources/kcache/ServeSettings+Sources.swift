import Foundation
import Yams

/// Reading settings from the config file and the command line.
extension ServeSettings {
    /// Settings from defaults, then `--config FILE` (if among `arguments`), then the flags.
    static func resolve(arguments: [String]) throws -> ServeSettings {
        let (configFile, flags) = try parse(arguments)
        var settings = ServeSettings()
        if let configFile {
            try settings.apply(try fileValues(configFile), source: "config file \(configFile)")
        }
        try settings.apply(flags, source: "flag")
        return settings
    }

    /// Splits `--name value`, `--name=value`, `--flag` and `--no-flag` into (key, value) pairs;
    /// `--config` is returned apart.
    static func parse(_ arguments: [String]) throws(SettingsError) -> (config: String?, values: [(String, String)]) {
        var config: String?
        var values: [(String, String)] = []
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
                config = file
                continue
            }
            if name.hasPrefix("no-"), let key = key(named: String(name.dropFirst(3))), key.isFlag, value == nil {
                values.append((key.name, "false"))
                continue
            }
            guard let key = key(named: name) else {
                throw SettingsError(key: name, source: "flag", problem: "unknown flag --\(name)")
            }
            if let value {
                values.append((name, value))
            } else if key.isFlag {
                values.append((name, "true"))
            } else {
                guard index < arguments.count else {
                    throw SettingsError(key: name, source: "flag", problem: "needs a value")
                }
                values.append((name, arguments[index]))
                index += 1
            }
        }
        return (config, values)
    }

    /// The (key, value) pairs of a YAML config file: a mapping of keys to scalars or lists.
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
                values.append((key, scalar.string))
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

    /// Help text for every key, for `kcache serve --help`.
    static var helpText: String {
        let width = (keys.map(\.name.count).max() ?? 0) + 4
        return keys.map { key in
            let flag = key.isFlag ? "--[no-]\(key.name)" : "--\(key.name)"
            return flag.padding(toLength: width + 6, withPad: " ", startingAt: 0) + key.help
        }.joined(separator: "\n")
    }
}
