import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("Snapshot file safety")
struct SnapshotSafetyTests {
    @Test("the file and its WAL are created mode 0600, and a looser mode is tightened")
    func privateMode() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file()
        let store = makeStore(path)
        #expect(await store.save([Fixtures.cache(Fixtures.configMaps, names: ["a"])]) != nil)
        #expect(try mode(of: path) == 0o600)
        #expect(try mode(of: path + "-wal") == 0o600)
        await store.close()

        chmod(path, 0o644)
        let reopened = makeStore(path)
        #expect(await reopened.load().count == 1)
        #expect(try mode(of: path) == 0o600)
    }

    @Test("the schema version and application id are in the file's header and meta table")
    func schemaVersion() async throws {
        let directory = TemporaryDirectory()
        let store = makeStore(directory.file())
        #expect(await store.save([Fixtures.cache(Fixtures.configMaps, names: ["a"])]) != nil)
        await store.close()
        let header = try #require(FileManager.default.contents(atPath: directory.file())).prefix(100)
        #expect(Array(header.prefix(16)) == Array("SQLite format 3\0".utf8))
        #expect(bigEndian(header, at: 60) == UInt32(SnapshotSchema.version))  // user_version
        #expect(bigEndian(header, at: 68) == 0x6B63_6368)  // application_id "kcch"
        let contents = try #require(FileManager.default.contents(atPath: directory.file()))
        #expect(contents.range(of: Data("schema_version".utf8)) != nil)
    }

    @Test("Secrets are never written unless asked for", arguments: [false, true])
    func secrets(includeSecrets: Bool) async throws {
        let directory = TemporaryDirectory()
        let secrets = Fixtures.cache(Fixtures.secrets, names: ["token"])
        let configMaps = Fixtures.cache(Fixtures.configMaps, names: ["a"])
        let store = makeStore(directory.file()) {
            $0.shouldSave = SnapshotStore.Configuration.resourceFilter(includeSecrets: includeSecrets)
        }
        let report = try #require(await store.save([secrets, configMaps]))
        #expect(report.resources == (includeSecrets ? 2 : 1))
        await store.close()
        let contents = try #require(FileManager.default.contents(atPath: directory.file()))
        #expect((contents.range(of: Data("uid-default-token".utf8)) != nil) == includeSecrets)
        let restored = await loadCaches(directory.file()) {
            $0.shouldSave = SnapshotStore.Configuration.resourceFilter(includeSecrets: true)
        }
        #expect(restored.keys.contains(Fixtures.secrets.groupVersionResource) == includeSecrets)
        #expect(restored.keys.contains(Fixtures.configMaps.groupVersionResource))
    }

    @Test("the default filter excludes Secrets; --exclude names exclude by resource or resource.group")
    func resourceFilter() {
        let defaults = SnapshotStore.Configuration(path: "/unused").shouldSave
        #expect(!defaults(Fixtures.secrets.groupVersionResource))
        #expect(defaults(Fixtures.configMaps.groupVersionResource))
        let filter = SnapshotStore.Configuration.resourceFilter(excluding: ["events", "deployments.apps"])
        #expect(!filter(GroupVersionResource(group: "", version: "v1", resource: "events")))
        #expect(!filter(GroupVersionResource(group: "events.k8s.io", version: "v1", resource: "events")))
        #expect(!filter(Fixtures.deployments.groupVersionResource))
        #expect(filter(GroupVersionResource(group: "other", version: "v1", resource: "deployments")))
        #expect(!filter(Fixtures.secrets.groupVersionResource))
        #expect(SnapshotStore.Configuration.resourceFilter(excluding: ["configmaps"], includeSecrets: true)(
            Fixtures.secrets.groupVersionResource))
    }

    @Test("a resource excluded after it was saved is not restored and leaves the file at the next save")
    func purgeExcluded() async throws {
        let directory = TemporaryDirectory()
        let secrets = Fixtures.cache(Fixtures.secrets, names: ["token"])
        let configMaps = Fixtures.cache(Fixtures.configMaps, names: ["a"])
        let everything = makeStore(directory.file()) { $0.shouldSave = { _ in true } }
        #expect(await everything.save([secrets, configMaps]) != nil)
        await everything.close()

        let store = makeStore(directory.file())
        let restored = await store.load()
        #expect(restored.map(\.groupVersionResource) == [Fixtures.configMaps.groupVersionResource])
        let report = try #require(await store.save([configMaps]))
        #expect(report.resourcesPurged == 1)
        await store.close()
        let contents = try #require(FileManager.default.contents(atPath: directory.file()))
        #expect(contents.range(of: Data("uid-default-token".utf8)) == nil)
        let everythingAgain = await loadCaches(directory.file()) { $0.shouldSave = { _ in true } }
        #expect(Set(everythingAgain.keys) == [Fixtures.configMaps.groupVersionResource])
    }

    @Test("metrics: saves, failures, duration, file size and last success")
    func metrics() async throws {
        let directory = TemporaryDirectory()
        let metrics = RecordingMetrics()
        let failNext = ManualFlag()
        let store = makeStore(directory.file()) {
            $0.metricsFactory = metrics
            $0.now = { Date(timeIntervalSince1970: 1_234) }
            $0.onSaveInProgress = { if failNext.take() { throw InjectedFailure() } }
        }
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b"])
        #expect(await store.save([cache]) != nil)
        failNext.set()
        #expect(await store.save([cache]) == nil)
        #expect(metrics.value("kcache_snapshot_saves_total") == 1)
        #expect(metrics.value("kcache_snapshot_save_failures_total") == 1)
        #expect(metrics.count("kcache_snapshot_save_duration_seconds") == 1)
        #expect(metrics.value("kcache_snapshot_last_success_timestamp_seconds") == 1_234)
        let bytes = try #require(metrics.value("kcache_snapshot_bytes"))
        #expect(Int(bytes) == SnapshotFiles.size(of: directory.file()))
        #expect(bytes > 0)
        let statistics = await store.statistics
        #expect(statistics.saves == 1 && statistics.saveFailures == 1)
        #expect(statistics.lastError?.contains("injected") == true)
    }

    private func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    private func bigEndian(_ data: Data, at offset: Int) -> UInt32 {
        data.dropFirst(offset).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
