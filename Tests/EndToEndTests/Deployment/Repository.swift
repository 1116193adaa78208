import Foundation
import KubeTestSupport
import Testing

/// The repository's files, for the tests that check the deployment pieces (Dockerfile,
/// openapi.yaml, config/, docs/) and find the built `kcache` binary.
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
