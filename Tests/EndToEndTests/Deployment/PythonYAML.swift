import Foundation
import KubeTestSupport
import Testing

/// YAML read with Python's PyYAML (installed with the Python Kubernetes client and with
/// openapi-spec-validator), returned as `JSONSerialization` values.
enum PythonYAML {
    /// nil when PyYAML can be used, else why not.
    static func problem() async -> String? {
        guard let python = ClientTools.python else { return "python3 is not installed" }
        guard let result = try? await ProcessRunner.run(python, ["-c", "import yaml"]) else { return "python3 could not be run" }
        return result.status == 0 ? nil : "PyYAML is not installed (`make test` installs it with the Python client)"
    }

    /// Every document of `text` (empty documents dropped).
    static func documents(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let script = "import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))"
        let result = try await ProcessRunner.run(try #require(ClientTools.python), ["-c", script], input: text)
        try #require(result.status == 0, "PyYAML could not read the YAML: \(result.standardError)", sourceLocation: sourceLocation)
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        return try #require(json as? [[String: Any]], "not a list of mappings: \(result.standardOutput.prefix(200))", sourceLocation: sourceLocation)
    }

    /// The single document of a file in the repository.
    static func file(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let documents = try await documents(try Repository.text(relative), sourceLocation: sourceLocation)
        return try #require(documents.first, "\(relative) is empty", sourceLocation: sourceLocation)
    }
}
