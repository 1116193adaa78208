import Foundation
import KubeTestSupport
import Testing

/// What the deployment tests share: the repository's files, the built `kcache` binary run as a
/// process, and YAML read through Python (PyYAML; the test says it skips when absent).
enum Repository {
    /// The package root: three levels above this file's folder.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The `kcache` executable built with the tests: beside the test bundle (whatever the build
    /// configuration), else `.build/debug`.
    static var kcache: String? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kcache").path
        return [beside, path(".build/debug/kcache")].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A temporary directory removed at the end of a test.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-deploy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs the built `kcache` binary and reads what `kcache serve --print-config` prints.
enum KcacheBinary {
    struct Run: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The binary, or a failed expectation saying how to build it.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(Repository.kcache, "the kcache executable is not built: run `swift build --build-tests` (it builds every product)",
                     sourceLocation: sourceLocation)
    }

    /// Runs `kcache arguments…` in a clean environment (no KUBECONFIG, an empty HOME) and waits
    /// for it to exit; a process still running after `timeout` is killed and reported.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Run {
        let executable = try require()
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        let process = try BackgroundProcess(executable, arguments, environment: environment)
        do {
            try await waitUntil(timeout: timeout, "kcache \(arguments.joined(separator: " ")) to exit") { !process.isRunning }
        } catch {
            await process.stop()
            throw error
        }
        let status = await process.waitForExit()
        return Run(status: status, standardOutput: process.standardOutput, standardError: process.standardError)
    }

    /// `kcache serve arguments… --print-config`, parsed; fails the test when it does not exit 0.
    static func printConfig(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> PrintedConfig {
        let run = try await run(["serve"] + arguments + ["--print-config"])
        try #require(run.status == 0, "kcache serve \(arguments.joined(separator: " ")) --print-config failed: \(run.standardError)",
                     sourceLocation: sourceLocation)
        return try PrintedConfig(run.standardOutput)
    }
}

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

/// Walking `JSONSerialization` values by key path: `object.mapping("spec", "template", "spec")`.
extension Dictionary where Key == String, Value == Any {
    func value(_ path: String...) -> Any? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }

    func mapping(_ path: String...) -> [String: Any] {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [String: Any] ?? [:]
    }

    func list(_ path: String...) -> [[String: Any]] {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [[String: Any]] ?? []
    }

    func string(_ path: String...) -> String? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? String
    }

    func strings(_ path: String...) -> [String] {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [String] ?? []
    }
}
