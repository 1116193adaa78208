import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("Failed and interrupted saves")
struct SnapshotFailureTests {
    @Test("a save that runs out of space is counted, and the next save writes every change it had")
    func diskFull() async throws {
        let directory = TemporaryDirectory()
        let logs = CapturedLogs()
        let store = makeStore(directory.file(), logs: logs) {
            $0.maxFileBytes = 256 << 10
            $0.historyEvents = 2  // the big objects' events must not fill the file either
        }
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b", "c"], rv: 100)
        let first = await store.save([cache])
        let firstError = await store.statistics.lastError
        #expect(first != nil, "\(firstError ?? "")")

        cache.apply(.modified, name: "a", rv: 101, data: "kept change")
        cache.apply(.deleted, name: "b", rv: 102)
        for index in 0..<40 {
            cache.apply(.added, name: "big-\(index)", rv: UInt64(103 + index), data: String(repeating: "z", count: 10_000))
        }
        #expect(await store.save([cache]) == nil)
        let statistics = await store.statistics
        #expect(statistics.saveFailures == 1)
        #expect(statistics.lastError?.contains("full") == true, "\(statistics.lastError ?? "")")
        #expect(logs.lines.contains { $0.level == .error && $0.message == "snapshot save failed; the next save retries" })

        // Space is freed (the big objects go) and one more change comes; the retry writes
        // the failed save's changes too.
        for index in 0..<40 { cache.apply(.deleted, name: "big-\(index)", rv: UInt64(200 + index)) }
        cache.apply(.added, name: "d", rv: 300)
        let report = try #require(await store.save([cache]))
        #expect(report.objectsUpserted == 2)  // a, d
        #expect(report.objectsDeleted == 1)  // b
        #expect(await store.statistics.lastError == nil)
        await store.close()
        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.contents == cache.contents)
        #expect(restored.contents.keys.sorted() == ["default/a", "default/c", "default/d"])
    }

    @Test("a save that fails mid-transaction commits nothing; the next one writes both saves' changes")
    func failedTransaction() async throws {
        let directory = TemporaryDirectory()
        let failNext = ManualFlag()
        let store = makeStore(directory.file()) {
            $0.onSaveInProgress = { if failNext.take() { throw InjectedFailure() } }
        }
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b", "c"], rv: 100)
        #expect(await store.save([cache]) != nil)

        cache.apply(.modified, name: "a", rv: 101, data: "first")
        cache.apply(.deleted, name: "c", rv: 102)
        failNext.set()
        #expect(await store.save([cache]) == nil)
        // What a restart would see now: the first save. (The file is locked while open.)
        await store.close()
        #expect(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource]?.contents.keys.sorted()
            == ["default/a", "default/b", "default/c"])

        cache.apply(.added, name: "d", rv: 103)
        let report = try #require(await store.save([cache]))
        #expect(report.objectsUpserted == 2)
        #expect(report.objectsDeleted == 1)
        #expect(report.eventsInserted == 3)
        await store.close()
        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.contents == cache.contents)
        #expect(restored.resumedEvents(after: 100) == cache.resumedEvents(after: 100))
    }

    @Test("a file replaced by a directory fails saves; once it is gone, a new file gets everything")
    func fileReplacedByDirectory() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file()
        let store = makeStore(path)
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b"], rv: 100)
        #expect(await store.save([cache]) != nil)

        for suffix in ["", "-wal"] { try FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        cache.apply(.modified, name: "a", rv: 101, data: "changed")
        #expect(await store.save([cache]) == nil)
        #expect(await store.save([cache]) == nil)
        #expect(await store.statistics.saveFailures == 2)

        try FileManager.default.removeItem(atPath: path)
        let report = try #require(await store.save([cache]))
        #expect(report.isFullRewrite)
        #expect(report.objectsUpserted == 2)
        await store.close()
        let restored = try #require(await loadCaches(path)[Fixtures.configMaps.groupVersionResource])
        #expect(restored.contents == cache.contents)
    }

    @Test("a crash in the middle of a save leaves the last committed snapshot", arguments: [false, true])
    func crashMidSave(large: Bool) async throws {
        let directory = TemporaryDirectory()
        let path = directory.file()
        let crashed = directory.file("crashed.db")
        let copyNow = ManualFlag()
        let store = makeStore(path) {
            // Copying the files while the transaction is open is what `kill -9` would leave.
            $0.onSaveInProgress = {
                guard copyNow.take() else { return }
                for suffix in ["", "-wal"] {
                    try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
                }
            }
        }
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b"], rv: 100)
        #expect(await store.save([cache]) != nil)
        let committed = cache.contents

        // A large save spills uncommitted pages into the WAL (beyond the 8 MiB page cache).
        let count = large ? 1200 : 3
        for index in 0..<count {
            cache.apply(.added, name: "new-\(index)", rv: UInt64(101 + index), data: String(repeating: "n", count: 10_000))
        }
        cache.apply(.deleted, name: "a", rv: UInt64(101 + count))
        copyNow.set()
        #expect(await store.save([cache]) != nil)
        if large {
            let walBytes = try FileManager.default.attributesOfItem(atPath: crashed + "-wal")[.size] as? Int ?? 0
            #expect(walBytes > 8 << 20, "the crashed copy should hold uncommitted WAL frames")
        }

        let afterCrash = try #require(await loadCaches(crashed)[Fixtures.configMaps.groupVersionResource])
        #expect(afterCrash.contents == committed)
        #expect(afterCrash.resourceVersion == ResourceVersion(100))
        await store.close()
        let afterCommit = try #require(await loadCaches(path)[Fixtures.configMaps.groupVersionResource])
        #expect(afterCommit.contents == cache.contents)
    }

    @Test("the save pause file marks an open transaction, as a process-level kill test needs")
    func pauseFile() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file()
        let pauseFile = directory.file("saving")
        let crashed = directory.file("killed.db")
        let store = makeStore(path)
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a"], rv: 100)
        #expect(await store.save([cache]) != nil)

        let pausing = makeStore(path) {
            $0.savePauseFile = pauseFile
            $0.savePause = .seconds(2)
        }
        await store.close()
        _ = await pausing.load()
        cache.apply(.added, name: "b", rv: 101)
        let save = Task { await pausing.save([cache]) }
        #expect(await waitUntil { FileManager.default.fileExists(atPath: pauseFile) })
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix) }
        #expect(await save.value != nil)

        #expect(await loadCaches(crashed)[Fixtures.configMaps.groupVersionResource]?.contents.keys.sorted() == ["default/a"])
        await pausing.close()
        #expect(await loadCaches(path)[Fixtures.configMaps.groupVersionResource]?.contents.keys.sorted()
            == ["default/a", "default/b"])
    }

    @Test("the pause file defaults to $KCACHE_TEST_SAVE_PAUSE_FILE")
    func pauseFileFromEnvironment() {
        let configuration = SnapshotStore.Configuration(path: "/unused")
        #expect(configuration.savePauseFile == ProcessInfo.processInfo.environment["KCACHE_TEST_SAVE_PAUSE_FILE"])
        #expect(configuration.savePause == .milliseconds(200))
    }
}
