import Foundation
import KubeSim
import KubeTestSupport
import Testing

extension SnapshotProcessTests {
    /// Secrets kcache caches are never written to the snapshot unless `--snapshot-secrets` says so.
    /// Checked in the file itself: its bytes (every page, live or free, and the WAL), what the
    /// snapshot store reads back, and — when the `sqlite3` tool is installed — its tables.
    @Suite struct SnapshotSecretsTests {
        @Test func secretsAreWrittenOnlyWithSnapshotSecrets() async throws {
            let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 5, podsPerNamespace: 0, nodes: 0)
            try await RestartFixture.with(seed: seed, resources: ["configmaps", "secrets"]) { fixture in
                let secretName = "marker-secret-\(UUID().uuidString.lowercased())"
                let password = "c25hcHNob3Qtc2VjcmV0LXZhbHVl"  // base64("snapshot-secret-value")
                _ = try fixture.sim.create(.secrets, namespace: "ns-0", json: Array(
                    #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"\#(secretName)"},"data":{"password":"\#(password)"}}"#.utf8))
                let configMapName = "marker-configmap-\(UUID().uuidString.lowercased())"
                try fixture.createConfigMap("ns-0", configMapName)
                // Secrets are excluded from caching by default; here they are cached.
                let cached = ["--exclude", "events"]
                let path = fixture.snapshotPath

                let first = try await fixture.start(cached)
                try await fixture.waitUntilSynced(first)
                let secret = try await fixture.client.request("GET", first.baseURL + "/api/v1/namespaces/ns-0/secrets/\(secretName)")
                #expect(secret.status == 200 && secret.header("X-Kcache-Source") == "cache", "the secret is cached")
                #expect(try await first.process.terminate() == 0)
                #expect(SnapshotInspection.rawFile(at: path, contains: configMapName), "configmaps are written")
                #expect(!SnapshotInspection.rawFile(at: path, contains: secretName), "no trace of the secret in the file")
                #expect(!SnapshotInspection.rawFile(at: path, contains: password))
                let without = try await SnapshotInspection.load(copyOf: path)
                #expect(Set(without.resources.keys) == ["configmaps"])
                if let tables = try await Self.sqlite(path, "SELECT gvr FROM resources ORDER BY gvr; SELECT count(*) FROM objects WHERE key LIKE '%marker-secret-%';") {
                    #expect(tables == ["configmaps/v1", "0"], "sqlite3 sees no secrets")
                }

                let second = try await fixture.start(cached + ["--snapshot-secrets"])
                try await fixture.waitUntilSynced(second)
                #expect(try await second.process.terminate() == 0)
                #expect(SnapshotInspection.rawFile(at: path, contains: secretName), "--snapshot-secrets writes secrets")
                let with = try await SnapshotInspection.load(copyOf: path)
                #expect(with.resources["secrets"]?.objects.keys.contains("ns-0/\(secretName)") == true)
                #expect(with.resources["configmaps"] != nil)

                // Without the flag again, the next save removes them from the file.
                let third = try await fixture.start(cached)
                try await fixture.waitUntilSynced(third)
                #expect(try await third.process.terminate() == 0)
                let purged = try await SnapshotInspection.load(copyOf: path)
                #expect(Set(purged.resources.keys) == ["configmaps"], "secrets leave the file at the next save without the flag")
                print("snapshot secrets: purged bytes still in free pages of the file: \(SnapshotInspection.rawFile(at: path, contains: password))")
            }
        }

        /// Runs the `sqlite3` tool on (a copy of) `path`; nil when it is not installed.
        static func sqlite(_ path: String, _ sql: String) async throws -> [String]? {
            guard let sqlite3 = ExecutableLookup.find("sqlite3") else {
                print("sqlite3 is not installed; checking the snapshot through KubeSnapshot only")
                return nil
            }
            // A copy: sqlite3 opens a WAL-mode file with shared memory beside it, kcache does not.
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-sqlite3-\(UUID().uuidString)").path
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
            }
            let result = try await ProcessRunner.run(sqlite3, [copy, sql])
            #expect(result.status == 0, "\(result.standardError)")
            return result.standardOutput.split(separator: "\n").map(String.init)
        }
    }
}
