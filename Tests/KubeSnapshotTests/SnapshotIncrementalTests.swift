import Foundation
import Synchronization
import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("Incremental saves")
struct SnapshotIncrementalTests {
    @Test("a second save writes only the objects and events that changed")
    func onlyChanges() async throws {
        let directory = TemporaryDirectory()
        let names = (0..<50).map { "cm-\($0)" }
        let cache = Fixtures.cache(Fixtures.configMaps, names: names, rv: 100)
        let store = makeStore(directory.file())
        let first = try #require(await store.save([cache]))
        #expect(first.objectsUpserted == 50)
        #expect(first.isFullRewrite)

        let idle = try #require(await store.save([cache]))
        #expect(idle.objectsUpserted == 0 && idle.objectsDeleted == 0 && idle.eventsInserted == 0 && idle.eventsDeleted == 0)
        #expect(!idle.isFullRewrite)

        cache.apply(.modified, name: "cm-3", rv: 101, data: "changed")
        cache.apply(.added, name: "cm-new", rv: 102)
        cache.apply(.deleted, name: "cm-7", rv: 103)
        let second = try #require(await store.save([cache]))
        #expect(second.objectsUpserted == 2)
        #expect(second.objectsDeleted == 1)
        #expect(second.eventsInserted == 3)
        #expect(second.eventsDeleted == 0)

        cache.apply(.modified, name: "cm-3", rv: 104, data: "again")
        let third = try #require(await store.save([cache]))
        #expect(third.objectsUpserted == 1)
        #expect(third.eventsInserted == 1)
        await store.close()

        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.contents == cache.contents)
        #expect(restored.contents["default/cm-7"] == nil)
        #expect(restored.contents.count == 50)
        #expect(restored.resumedEvents(after: 100) == cache.resumedEvents(after: 100))
    }

    @Test("the saved event tail slides: old events are deleted as new ones are appended")
    func slidingTail() async throws {
        let directory = TemporaryDirectory()
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a"], rv: 100)
        let store = makeStore(directory.file()) { $0.historyEvents = 3 }
        for rv in 101...103 { cache.apply(.modified, name: "a", rv: UInt64(rv), data: "\(rv)") }
        let first = try #require(await store.save([cache]))
        #expect(first.eventsInserted == 3)
        for rv in 104...105 { cache.apply(.modified, name: "a", rv: UInt64(rv), data: "\(rv)") }
        let second = try #require(await store.save([cache]))
        #expect(second.eventsInserted == 2)
        #expect(second.eventsDeleted == 2)
        await store.close()

        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.resumedEvents(after: 102) == .success(["MODIFIED a@103", "MODIFIED a@104", "MODIFIED a@105"]))
        #expect(restored.oldestResumableResourceVersion == ResourceVersion(102))
    }

    @Test("after a load, saving the restored caches writes nothing but the resource rows")
    func restoredBaseline() async throws {
        let directory = TemporaryDirectory()
        let cache = Fixtures.cache(Fixtures.configMaps, names: (0..<20).map { "cm-\($0)" }, rv: 100)
        cache.apply(.modified, name: "cm-1", rv: 101, data: "x")
        let first = makeStore(directory.file())
        #expect(await first.save([cache]) != nil)
        await first.close()

        let second = makeStore(directory.file())
        let restored = try #require(await second.load().first)
        let live = ResourceCache(resource: restored.resource, logger: Fixtures.quietLogger)
        restored.restore(into: live)
        let report = try #require(await second.save([live]))
        #expect(report.objectsUpserted == 0)
        #expect(report.eventsInserted == 0 && report.eventsDeleted == 0)
        #expect(!report.isFullRewrite)

        // The restored cache resumes its watch and changes; only that is written.
        live.apply(.modified, name: "cm-2", rv: 102, data: "y")
        let next = try #require(await second.save([live]))
        #expect(next.objectsUpserted == 1)
        #expect(next.eventsInserted == 1)
    }

    @Test("a cache refilled by a LIST after a load writes only real differences")
    func relistAfterLoad() async throws {
        let directory = TemporaryDirectory()
        let first = makeStore(directory.file())
        #expect(await first.save([Fixtures.cache(Fixtures.configMaps, names: ["a", "b", "c"], rv: 100)]) != nil)
        await first.close()

        let second = makeStore(directory.file())
        _ = await second.load()
        // Not restored (say, it was too old): a cold LIST fills a new cache with equal objects
        // except one.
        let listed = ResourceCache(resource: Fixtures.configMaps, logger: Fixtures.quietLogger)
        listed.replace(with: [
            Fixtures.object(Fixtures.configMaps, name: "a", rv: 1, data: "initial a"),
            Fixtures.object(Fixtures.configMaps, name: "b", rv: 150, data: "newer"),
        ], resourceVersion: ResourceVersion(200))
        listed.setReadiness(.synced)
        let report = try #require(await second.save([listed]))
        #expect(report.objectsUpserted == 1)
        #expect(report.objectsDeleted == 1)
        await second.close()
        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.contents == listed.contents)
    }

    @Test("caches that cannot serve yet are skipped and keep what the file holds")
    func skipsSyncingCaches() async throws {
        let directory = TemporaryDirectory()
        let store = makeStore(directory.file())
        #expect(await store.save([Fixtures.cache(Fixtures.configMaps, names: ["a"], rv: 5)]) != nil)
        let syncing = ResourceCache(resource: Fixtures.configMaps, logger: Fixtures.quietLogger)
        let report = try #require(await store.save([syncing]))
        #expect(report.resources == 0)
        #expect(report.objectsDeleted == 0)
        await store.close()
        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.contents.keys.sorted() == ["default/a"])
    }

    @Test("savedAt moves on only while the cache is synced")
    func savedAtFollowsReadiness() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_000))
        let store = makeStore(directory.file()) { $0.now = { clock.now } }
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a"], rv: 5)
        #expect(await store.save([cache]) != nil)
        clock.now = Date(timeIntervalSince1970: 2_000)
        cache.setReadiness(.failing(reason: "upstream down", hasData: true))
        #expect(await store.save([cache]) != nil)
        #expect(await store.load().first?.savedAt == Date(timeIntervalSince1970: 1_000))
        cache.setReadiness(.synced)
        clock.now = Date(timeIntervalSince1970: 3_000)
        #expect(await store.save([cache]) != nil)
        #expect(await store.load().first?.savedAt == Date(timeIntervalSince1970: 3_000))
    }

    @Test("periodic saves run until cancelled")
    func periodicSaves() async throws {
        let directory = TemporaryDirectory()
        let store = makeStore(directory.file())
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a"], rv: 5)
        let task = Task { await store.runPeriodicSaves(every: .milliseconds(1), caches: [cache]) }
        #expect(await waitUntil { await store.statistics.saves >= 3 })
        task.cancel()
        await task.value
        let saves = await store.statistics.saves
        #expect(await store.statistics.saves == saves)
        #expect(await store.statistics.saveFailures == 0)
    }
}

/// A wall clock tests set by hand.
final class ManualWallClock: Sendable {
    private let value: Mutex<Date>
    init(_ date: Date) { value = Mutex(date) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// Polls `condition` until it holds or `timeout` passes (a deadline, not a synchronising sleep).
func waitUntil(timeout: Duration = .seconds(60), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}
