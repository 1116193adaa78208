import Foundation
import Testing

/// openapi.yaml as read by PyYAML, with `$ref`s followed by `resolve` and the lookups the
/// tests need. Read-only; built once per test.
struct OpenAPIDocument {
    let root: [String: Any]

    init() async throws {
        root = try await PythonYAML.file("openapi.yaml")
    }

    var paths: [String: [String: Any]] { root["paths"] as? [String: [String: Any]] ?? [:] }

    /// `value` with a top-level `$ref` followed (repeatedly).
    func resolve(_ value: Any?) -> [String: Any] {
        var current = value as? [String: Any] ?? [:]
        while let reference = current["$ref"] as? String, reference.hasPrefix("#/") {
            var target: Any? = root
            for part in reference.dropFirst(2).split(separator: "/") {
                target = (target as? [String: Any])?[String(part)]
            }
            current = target as? [String: Any] ?? [:]
        }
        return current
    }

    /// The GET operation of `path`, with path-level parameters.
    func get(_ path: String) -> [String: Any] { paths[path]?["get"] as? [String: Any] ?? [:] }

    /// Names of the parameters of `operation` that are `in` this location.
    func parameters(of operation: [String: Any], in location: String) -> [String] {
        (operation["parameters"] as? [Any] ?? []).map(resolve).filter { $0["in"] as? String == location }.compactMap { $0["name"] as? String }
    }

    /// The documented response for `status` (or `default`).
    func response(_ operation: [String: Any], status: Int) -> [String: Any]? {
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard let response = responses[String(status)] ?? responses["default"] else { return nil }
        return resolve(response)
    }

    /// Media types of a response's content.
    func mediaTypes(_ response: [String: Any]) -> [String] {
        (response["content"] as? [String: Any] ?? [:]).keys.sorted()
    }

    /// Headers a response documents as required.
    func requiredHeaders(_ response: [String: Any]) -> [String] {
        (response["headers"] as? [String: Any] ?? [:]).compactMap { name, header in
            resolve(header)["required"] as? Bool == true ? name : nil
        }
    }

    /// The schema of `response`'s `application/json` content, resolved.
    func jsonSchema(_ response: [String: Any]) -> [String: Any] {
        resolve(response.mapping("content", "application/json")["schema"])
    }

    /// The `$ref` of `response`'s `application/json` schema.
    func jsonSchemaReference(_ response: [String: Any]) -> String? {
        response.mapping("content", "application/json", "schema")["$ref"] as? String
    }

    func schema(_ name: String) -> [String: Any] { resolve(["$ref": "#/components/schemas/\(name)"]) }
}
