import Foundation
import Yams

/// A node of a parsed kubeconfig with the key path that leads to it, so that every accessor can
/// throw a `ConfigurationError` naming the file and key (`users["dev"].user.exec.command`).
///
/// Scalars are read as written (no YAML type guessing beyond booleans): a token that looks like
/// a number stays a string. Null values read as absent.
struct YAMLField {
    let node: Node
    /// Key path from the document root; empty at the root.
    let key: String
    /// The file as named in errors.
    let file: String
    /// Directory of the file, for relative paths.
    let directory: String

    func error(_ child: String?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, key: child.map(childKey) ?? (key.isEmpty ? nil : key), message)
    }

    func child(_ name: String) -> YAMLField? {
        guard let value = node.mapping?[name], value.null == nil else { return nil }
        return YAMLField(node: value, key: childKey(name), file: file, directory: directory)
    }

    func string(_ name: String) throws -> String? {
        guard let value = child(name) else { return nil }
        guard let scalar = value.node.scalar else { throw error(name, "must be a string") }
        return scalar.string
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = try string(name) else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(name, "\"\(value)\" is not true or false")
        }
    }

    /// A file reference, joined to the file's directory when relative.
    func path(_ name: String) throws -> String? {
        guard let value = try string(name), !value.isEmpty else { return nil }
        return absolute(value)
    }

    /// `path` joined to the file's directory when relative, with `.` and `..` resolved.
    func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: joined).standardized.path
    }

    /// Base64 bytes (`*-data` keys); line breaks inside the text are allowed.
    func base64(_ name: String) throws -> [UInt8]? {
        guard let value = try string(name), !value.isEmpty else { return nil }
        let compact = value.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw error(name, "is not valid base64") }
        return [UInt8](data)
    }

    /// The items of a sequence; absent or null reads as empty.
    func sequence(_ name: String) throws -> [YAMLField] {
        guard let value = child(name) else { return [] }
        guard let items = value.node.sequence else { throw error(name, "must be a list") }
        return items.enumerated().map { index, item in
            YAMLField(node: item, key: "\(value.key)[\(index)]", file: file, directory: directory)
        }
    }

    /// The `- name: N` / `<body>: {...}` entries of `clusters`, `users` or `contexts`, each
    /// returned as the body mapping keyed `list["N"].body`.
    func namedEntries(_ list: String, body: String) throws -> [(String, YAMLField)] {
        try sequence(list).map { item in
            guard let name = try item.string("name"), !name.isEmpty else { throw item.error("name", "is required") }
            let named = YAMLField(node: item.node, key: "\(list)[\"\(name)\"]", file: file, directory: directory)
            guard let content = named.child(body) else { throw named.error(body, "is required") }
            guard content.node.mapping != nil else { throw named.error(body, "must be a mapping") }
            return (name, content)
        }
    }

    private func childKey(_ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }
}
