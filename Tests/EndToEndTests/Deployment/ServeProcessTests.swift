import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// `kcache serve` as the image runs it: the binary, a config file, JSON logs, a snapshot on a
/// volume. Killed and started again, it restores what it had cached from the snapshot — the
/// settings reach the proxy, not only the settings table.
@Suite struct ServeProcessTests {
    /// One `kcache serve` process and the port it reported in its "listening" log line.
    struct Running {
        let process: BackgroundProcess
        let baseURL: String

        static func start(config: String) async throws -> Running {
            let home = FileManager.default.temporaryDirectory.path
            let process = try BackgroundProcess(
                try KcacheBinary.require(), ["serve", "--config", config, "--listen", "127.0.0.1:0"],
                environment: ["HOME": home, "PATH": "/usr/bin:/bin"])
            var port: Int?
            do {
                try await waitUntil(timeout: .seconds(20), "kcache to log the address it listens on") {
                    port = Self.logLines(process.standardError).first { $0["message"] as? String == "listening" }
                        .flatMap { ($0["address"] as? String)?.split(separator: ":").last.flatMap { Int($0) } }
                    if port == nil && !process.isRunning { throw ExitedEarly(standardError: process.standardError) }
                    return port != nil
                }
            } catch {
                await process.stop()
                throw error
            }
            return Running(process: process, baseURL: "http://127.0.0.1:\(port ?? 0)")
        }

        /// kcache's JSON log lines so far.
        static func logLines(_ text: String) -> [[String: Any]] {
            text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        var logLines: [[String: Any]] { Self.logLines(process.standardError) }
    }

    /// kcache exited before it reported its address.
    struct ExitedEarly: Error, CustomStringConvertible {
        var standardError: String
        var description: String { "kcache exited: \(standardError)" }
    }

    @Test func snapshotSurvivesAKill() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sim = KubeSim()
        try sim.seed(SeedPlan(namespaces: 1, configMapsPerNamespace: 4, podsPerNamespace: 0, nodes: 0))
        try await withServer(sim) { sim in
            let snapshot = directory.path + "/snapshot.db"
            let config = try directory.write("kcache.yaml", """
                upstream: \(sim.baseURL)
                resources: [configmaps]
                snapshot: \(snapshot)
                snapshot-interval: 200ms
                log-format: json

                """)
            let client = TestHTTPClient()
            let first = try await Running.start(config: config)
            do {
                try await waitUntil(timeout: .seconds(20), "the first kcache to be ready") {
                    (try? await client.request("GET", first.baseURL + "/readyz"))?.status == 200
                }
                // A save after the sync: the snapshot's files (the database and its journal)
                // change once more after readiness.
                func lastWrite() -> Date? {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                    return names.filter { $0.hasPrefix("snapshot.db") }.compactMap {
                        try? FileManager.default.attributesOfItem(atPath: directory.path + "/" + $0)[.modificationDate] as? Date
                    }.max()
                }
                // Two changes: the first may come from a save that began before the sync ended.
                var seen = [lastWrite()]
                try await waitUntil(timeout: .seconds(20), "two snapshot saves after the first sync") {
                    let saved = lastWrite()
                    if saved != nil && saved != seen.last { seen.append(saved) }
                    return seen.count >= 3
                }
            } catch {
                await first.process.stop()
                throw error
            }
            await first.process.stop()  // SIGKILL: no save at exit

            let second = try await Running.start(config: config)
            do {
                try await waitUntil(timeout: .seconds(20), "the second kcache to log its restore; its log: \(second.process.standardError)") {
                    second.logLines.contains { $0["message"] as? String == "restored from snapshot" }
                }
                let restored = try #require(second.logLines.first { $0["message"] as? String == "restored from snapshot" })
                #expect(restored["objects"] as? String == "4", "\(restored)")
                let list = try await client.request("GET", second.baseURL + "/api/v1/namespaces/ns-0/configmaps?resourceVersion=0")
                #expect(list.status == 200 && list.header("X-Kcache-Source") == "cache")
                #expect(list.itemNames.count == 4)
            } catch {
                await second.process.stop()
                throw error
            }
            await second.process.stop()
        }
    }
}
