import Yams

/// `kcache serve --print-config`: the effective settings as a YAML config file.
extension ServeSettings {
    /// Every key of `ServeSettings.keys`, in table order, with its effective value; unset
    /// optional settings are `null`. The output is itself a valid `--config` file that yields
    /// these same settings, so operators can check what a file and flags amount to, and tests
    /// can read every value back.
    func yaml(configFile: String?) throws -> String {
        let pairs: [(Node, Node)] = Self.keys.map { key in
            let value: Node = switch key.value(self) {
            case .text(let text): Node(text)
            case .list(let items): Node(items.map { Node($0) }, .implicit, .flow)
            case .unset: Node("null", Tag(.null))
            }
            return (Node(key.name), value)
        }
        let header = """
            # kcache serve: effective settings (defaults, then \(configFile.map { "config file \($0)" } ?? "no config file"), then flags)

            """
        return header + (try Yams.serialize(node: Node(pairs), width: -1))
    }
}
