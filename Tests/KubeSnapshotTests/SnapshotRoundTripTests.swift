import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("Snapshot round trip")
struct SnapshotRoundTripTests {
    @Test("objects, RVs and history come back byte for byte, in fresh caches")
    func roundTrip() async throws {
        let directory = TemporaryDirectory()
        let configMaps = Fixtures.cache(Fixtures.configMaps, names: ["a", "b", "c"], rv: 100)
        configMaps.apply(.added, name: "d", rv: 101, data: "new")
        configMaps.apply(.modified, name: "a", rv: 102, data: "changed")
        configMaps.apply(.deleted, name: "b", rv: 103)
        let pods = Fixtures.cache(Fixtures.pods, names: ["p1", "p2"], rv: 50)
        configMaps.advance(to: ResourceVersion(110))

        let store = makeStore(directory.file())
        let report = try #require(await store.save([configMaps, pods]))
        #expect(report.resources == 2)
        #expect(report.objectsUpserted == 5)
        #expect(report.eventsInserted == 3)
        await store.close()

        let caches = await loadCaches(directory.file())
        let restoredMaps = try #require(caches[Fixtures.configMaps.groupVersionResource])
        let restoredPods = try #require(caches[Fixtures.pods.groupVersionResource])
        #expect(restoredMaps.contents == configMaps.contents)
        #expect(restoredMaps.contents.keys.sorted() == ["default/a", "default/c", "default/d"])
        #expect(restoredPods.contents == pods.contents)
        #expect(restoredMaps.resourceVersion == ResourceVersion(110))
        #expect(restoredPods.resourceVersion == ResourceVersion(50))
        #expect(restoredMaps.readiness == .restored)
        #expect(restoredMaps.oldestResumableResourceVersion == ResourceVersion(100))
        #expect(restoredMaps.store[ObjectKey(namespace: "default", name: "a")]?.resourceVersion == ResourceVersion(102))
    }

    @Test("a watch resuming inside the saved history gets exactly the later events; older RVs are Expired")
    func watchResume() async throws {
        let directory = TemporaryDirectory()
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b"], rv: 100)
        cache.apply(.modified, name: "a", rv: 101, data: "1")
        cache.apply(.added, name: "c", rv: 102)
        cache.apply(.deleted, name: "b", rv: 103)
        cache.apply(.modified, name: "c", rv: 104, data: "2")
        // Keep only the last three events in the file: resumes from 101 on still work.
        let store = makeStore(directory.file()) { $0.historyEvents = 3 }
        #expect(await store.save([cache]) != nil)
        await store.close()

        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        #expect(restored.resumedEvents(after: 101) == .success(["ADDED c@102", "DELETED b@103", "MODIFIED c@104"]))
        #expect(restored.resumedEvents(after: 103) == .success(["MODIFIED c@104"]))
        #expect(restored.resumedEvents(after: 104) == .success([]))
        #expect(cache.resumedEvents(after: 101) == restored.resumedEvents(after: 101))
        guard case .failure(let status) = restored.resumedEvents(after: 100) else {
            Issue.record("a resume from before the saved history should be Expired")
            return
        }
        #expect(status.code == 410)
        #expect(status.message == "too old resource version: 100 (101)")
        // The live cache, which kept everything, could still serve it.
        #expect(cache.resumedEvents(after: 100) == .success(["MODIFIED a@101", "ADDED c@102", "DELETED b@103", "MODIFIED c@104"]))
    }

    @Test("the history byte bound drops the oldest events and moves oldestResumable")
    func historyByteBound() async throws {
        let directory = TemporaryDirectory()
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a"], rv: 100)
        let large = String(repeating: "x", count: 4000)
        cache.apply(.modified, name: "a", rv: 101, data: large)
        cache.apply(.modified, name: "a", rv: 102, data: large)
        cache.apply(.modified, name: "a", rv: 103, data: "small")
        let store = makeStore(directory.file()) { $0.historyBytes = 9000 }
        #expect(await store.save([cache]) != nil)
        await store.close()
        let restored = try #require(await loadCaches(directory.file())[Fixtures.configMaps.groupVersionResource])
        // Event 103 (small object, large previous) fits, 102 (two large states) would not.
        #expect(restored.oldestResumableResourceVersion == ResourceVersion(102))
        #expect(restored.resumedEvents(after: 102) == .success(["MODIFIED a@103"]))
        #expect((try? restored.resumedEvents(after: 101).get()) == nil)
    }

    @Test("RestoredResource carries the API resource, RV, objects, history and savedAt")
    func restoredResourceContents() async throws {
        let directory = TemporaryDirectory()
        let savedAt = Date(timeIntervalSince1970: 1_750_000_000)
        let cache = Fixtures.cache(Fixtures.deployments, names: ["x", "y"], rv: 7)
        cache.apply(.modified, name: "x", rv: 8, data: "v2")
        let store = makeStore(directory.file()) { $0.now = { savedAt } }
        #expect(await store.save([cache]) != nil)
        await store.close()

        let restored = await makeStore(directory.file()).load()
        let resource = try #require(restored.first)
        #expect(restored.count == 1)
        #expect(resource.apiResource == Fixtures.deployments.apiResource)
        #expect(resource.resourceVersion == ResourceVersion(8))
        #expect(resource.objects.map(\.key.storageKey) == ["default/x", "default/y"])
        #expect(resource.history.map(\.type) == [.modified])
        #expect(resource.history.first?.previous?.resourceVersion == ResourceVersion(1))
        // The event's object is the stored object itself, not a second copy.
        #expect(resource.history.first?.object === resource.store[ObjectKey(namespace: "default", name: "x")])
        #expect(resource.savedAt == savedAt)
        #expect(resource.isStale(maxAge: .seconds(3600), now: savedAt + 3601))
        #expect(!resource.isStale(maxAge: .seconds(3600), now: savedAt + 60))
    }

    @Test("restoring into a cache whose resource is described differently rebuilds the objects for it")
    func restoreIntoChangedResource() async throws {
        let directory = TemporaryDirectory()
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a", "b"], rv: 10)
        let store = makeStore(directory.file())
        #expect(await store.save([cache]) != nil)
        let restored = try #require(await store.load().first)

        var changed = Fixtures.configMaps.apiResource
        changed.selectableFields = ["data.value"]
        let live = ResourceCache(resource: CachedResource(changed), logger: Fixtures.quietLogger)
        restored.restore(into: live)
        #expect(live.contents == cache.contents)
        #expect(live.resourceVersion == ResourceVersion(10))
        #expect(live.store[ObjectKey(namespace: "default", name: "a")]?.fieldValue("data.value", in: live.resource) == "initial a")
    }

    @Test("no file: load is a cold start, and nothing is created until a save")
    func missingFile() async {
        let directory = TemporaryDirectory()
        let store = makeStore(directory.file())
        #expect(await store.load().isEmpty)
        #expect(directory.entries.isEmpty)
        #expect(await store.statistics.filesMovedAside == 0)
    }
}

extension ResourceCache.ApplyOutcome: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}
