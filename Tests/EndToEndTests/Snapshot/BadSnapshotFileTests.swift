import Foundation
import KubeSim
import KubeTestSupport
import Testing

extension SnapshotProcessTests {
    /// A snapshot file kcache cannot read never stops it: it logs why, keeps the file aside as
    /// `FILE.corrupt-<time>`, starts cold (one LIST), and its next save writes a good file.
    @Suite struct BadSnapshotFileTests {
        enum Damage: String, CaseIterable, CustomTestStringConvertible {
            /// Bytes that are not SQLite at all.
            case garbage
            /// A real snapshot cut in half.
            case truncated
            /// A real snapshot stamped with a schema version from the future.
            case futureSchema

            var testDescription: String { rawValue }

            /// What the log line's `error` says.
            var errorText: String {
                switch self {
                case .garbage: "not a database"
                case .truncated: "malformed"
                case .futureSchema: "schema version 2 is not the version this kcache reads (1)"
                }
            }
        }

        @Test(arguments: Damage.allCases)
        func unreadableSnapshotMeansAColdStart(_ damage: Damage) async throws {
            let seed = SeedPlan(namespaces: 3, configMapsPerNamespace: 100, podsPerNamespace: 0, configMapDataBytes: 512, nodes: 0)
            try await RestartFixture.with(seed: seed) { fixture in
                let path = fixture.snapshotPath
                switch damage {
                case .garbage:
                    var random = SystemRandomNumberGenerator()
                    try Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) }).write(to: URL(fileURLWithPath: path))
                case .truncated:
                    _ = try await fixture.warmUp()
                    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
                    #expect(size > 100_000, "a snapshot of several pages")
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                    try handle.truncate(atOffset: UInt64(size / 2))
                    try handle.close()
                case .futureSchema:
                    _ = try await fixture.warmUp()
                    try Self.stampSchemaVersion(2, into: path)
                }
                let damaged = try Data(contentsOf: URL(fileURLWithPath: path))
                fixture.sim.counters.reset()

                let running = try await fixture.start()
                let line = try await running.process.waitForLog("snapshot file is unreadable")
                #expect(line["level"] == "error")
                #expect(line["message"] == "snapshot file is unreadable; moved it aside and starting cold")
                #expect(line["error"]?.contains(damage.errorText) == true, "\(line)")
                #expect(line["error"]?.contains("\n") == false, "one line: \(line)")
                let movedTo = try #require(line["movedTo"])
                #expect(movedTo.hasPrefix(path + ".corrupt-"))
                #expect(FileManager.default.contents(atPath: movedTo) == damaged, "the bad file is kept aside as it was")

                try await fixture.waitUntilSynced(running)
                let list = try await fixture.list(running.baseURL + "/api/v1/configmaps")
                #expect(list.source == "cache" && list.warning == nil)
                #expect(list == (try fixture.upstreamList()), "a cold start lists the upstream")
                #expect(fixture.upstreamCount("list", "configmaps") >= 1)
                #expect(try await running.process.terminate() == 0)

                let rewritten = try await SnapshotInspection.load(copyOf: path)
                #expect(!rewritten.wasUnreadable)
                #expect(rewritten.resources["configmaps"]?.objects == list.items, "the next save wrote a good file")
                print("bad snapshot (\(damage)): \(line["error"] ?? "") → moved to \((movedTo as NSString).lastPathComponent)")
            }
        }

        /// Sets SQLite's `user_version` (the schema version kcache reads) in the database header:
        /// four big-endian bytes at offset 60. The file must be checkpointed (kcache's final save
        /// leaves no WAL behind) so that the header in the file is the live one.
        static func stampSchemaVersion(_ version: UInt32, into path: String) throws {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.prefix(16) == Data("SQLite format 3\0".utf8))
            // application_id (offset 68) is "kcch": the offsets are right.
            #expect(bytes[68..<72] == Data("kcch".utf8))
            let walBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
            #expect(walBytes == 0, "no WAL beside the file")
            withUnsafeBytes(of: version.bigEndian) { bytes.replaceSubrange(60..<64, with: $0) }
            try bytes.write(to: URL(fileURLWithPath: path))
        }
    }
}
