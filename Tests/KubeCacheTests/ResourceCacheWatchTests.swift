import KubeAPI
import Synchronization
import Testing
@testable import KubeCache

/// Counts `wake` calls so tests can see that an idle watcher is woken.
final class WakeCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    var wake: @Sendable () -> Void { { [self] in count.withLock { $0 += 1 } } }
}

@Suite struct ResourceCacheWatchTests {
    func synced(_ objects: [CachedObject], rv: UInt64, configuration: ResourceCache.Configuration = .init()) -> ResourceCache {
        let cache = ResourceCache(resource: Fixtures.configMaps, configuration: configuration)
        cache.replace(with: objects, resourceVersion: ResourceVersion(rv))
        return cache
    }

    @Test func initialEventsThenChanges() throws {
        let cache = synced([Fixtures.object(namespace: "a", name: "x", rv: 1), Fixtures.object(namespace: "a", name: "y", rv: 2)], rv: 2)
        let wakes = WakeCounter()
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .initialEvents(endBookmark: true), allowBookmarks: true), wake: wakes.wake)
        var drained = watcher.drain()
        #expect(drained.events == [
            DecodedEvent(type: "ADDED", name: "x", resourceVersion: "1"),
            DecodedEvent(type: "ADDED", name: "y", resourceVersion: "2"),
            DecodedEvent(type: "BOOKMARK", name: "", resourceVersion: "2", initialEventsEnd: true),
        ])
        #expect(wakes.value == 0)
        cache.apply(.modified, Fixtures.object(namespace: "a", name: "x", rv: 3))
        #expect(wakes.value == 1)
        drained = watcher.drain()
        #expect(drained.events == [DecodedEvent(type: "MODIFIED", name: "x", resourceVersion: "3")])
    }

    @Test func resumeFromAnRVDeliversExactlyTheLaterEvents() throws {
        let cache = synced([], rv: 10)
        for index in 1...5 { cache.apply(.added, Fixtures.object(namespace: "a", name: "o\(index)", rv: UInt64(10 + index))) }
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(12)), allowBookmarks: false), wake: {})
        #expect(watcher.drain().events.map(\.name) == ["o3", "o4", "o5"])
        let fromStart = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(10)), allowBookmarks: false), wake: {})
        #expect(fromStart.drain().events.count == 5)
    }

    @Test func tooOldRVIsExpiredWithTheAPIServerMessage() throws {
        var configuration = ResourceCache.Configuration()
        configuration.historyBytes = 1  // keep nothing
        let cache = synced([], rv: 10)
        let small = ResourceCache(resource: Fixtures.configMaps, configuration: configuration)
        small.replace(with: [], resourceVersion: ResourceVersion(10))
        for index in 1...3 { small.apply(.added, Fixtures.object(namespace: "a", name: "o\(index)", rv: UInt64(10 + index))) }
        #expect(throws: Status.expired(requested: ResourceVersion(11), oldest: ResourceVersion(13))) {
            try small.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(11)), allowBookmarks: false), wake: {})
        }
        #expect(throws: Never.self) {
            try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(10)), allowBookmarks: false), wake: {})
        }
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() throws {
        let cache = synced([Fixtures.object(namespace: "a", name: "x", rv: 1, labels: ["app": "web"])], rv: 1)
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(labels: "app=web"), start: .after(ResourceVersion(1)), allowBookmarks: false), wake: {})
        cache.apply(.modified, Fixtures.object(namespace: "a", name: "x", rv: 2, labels: ["app": "db"]))
        cache.apply(.modified, Fixtures.object(namespace: "a", name: "x", rv: 3, labels: ["app": "db", "v": "2"]))
        cache.apply(.modified, Fixtures.object(namespace: "a", name: "x", rv: 4, labels: ["app": "web"]))
        cache.apply(.deleted, Fixtures.object(namespace: "a", name: "x", rv: 5, labels: ["app": "web"]))
        // Stops matching at 2: DELETED with its previous state and RV 2. Invisible at 3.
        #expect(watcher.drain().events == [
            DecodedEvent(type: "DELETED", name: "x", resourceVersion: "2"),
            DecodedEvent(type: "ADDED", name: "x", resourceVersion: "4"),
            DecodedEvent(type: "DELETED", name: "x", resourceVersion: "5"),
        ])
    }

    @Test func watchAheadOfTheCacheStartsAtOnceAndSkipsOlderEvents() throws {
        let cache = synced([], rv: 10)
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(12)), allowBookmarks: true), wake: {})
        #expect(watcher.drain().events.isEmpty)
        for rv in 11...13 { cache.apply(.added, Fixtures.object(namespace: "a", name: "o\(rv)", rv: UInt64(rv))) }
        #expect(watcher.drain().events.map(\.name) == ["o13"])
        #expect(DecodedEvent.decode([ArraySlice(try #require(watcher.bookmark()))]).first?.resourceVersion == "13")
    }

    @Test func stalledWatcherIsEndedAndOthersContinue() throws {
        var configuration = ResourceCache.Configuration()
        configuration.maxWatcherLagBytes = 4_096
        let cache = synced([], rv: 1, configuration: configuration)
        let stalledWakes = WakeCounter()
        let stalled = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .now, allowBookmarks: false), wake: stalledWakes.wake)
        let live = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .now, allowBookmarks: false), wake: {})
        var received = 0
        for rv in 2...40 {
            cache.apply(.added, Fixtures.object(namespace: "a", name: "o\(rv)", rv: UInt64(rv), data: ["k": String(repeating: "x", count: 400)]))
            received += live.drain().events.count
        }
        #expect(received == 39)
        #expect(stalledWakes.value >= 1)
        guard case .ended(.tooSlow) = stalled.next(maxBytes: 1 << 20) else {
            Issue.record("the stalled watcher should have been ended as too slow")
            return
        }
        #expect(cache.counters.slowWatchersEnded == 1)
    }

    @Test func initialEventsAreNotBoundByTheLag() throws {
        var configuration = ResourceCache.Configuration()
        configuration.maxWatcherLagBytes = 1_024
        let objects = (0..<2_000).map { Fixtures.object(namespace: "a", name: String(format: "o%05d", $0), rv: UInt64($0 + 1)) }
        let cache = synced(objects, rv: 2_000, configuration: configuration)
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .initialEvents(endBookmark: false), allowBookmarks: false), wake: {})
        // Read slowly, a little at a time, while small changes arrive.
        var events: [DecodedEvent] = []
        var rv: UInt64 = 2_000
        loop: while true {
            switch watcher.next(maxBytes: 2_000) {
            case .events(let segments): events += DecodedEvent.decode(segments)
            case .idle: break loop
            case .ended(let end): Issue.record("ended: \(end)"); break loop
            }
            if events.count % 200 == 0, rv < 2_003 {
                rv += 1
                cache.apply(.modified, Fixtures.object(namespace: "a", name: "o00000", rv: rv))
            }
        }
        #expect(events.filter { $0.type == "ADDED" }.count == 2_000)
        #expect(events.filter { $0.type == "MODIFIED" }.map(\.resourceVersion) == (2_001...rv).map(String.init))
    }

    @Test func relistDeliversTheDifferenceInRVOrder() throws {
        let cache = synced([
            Fixtures.object(namespace: "a", name: "kept", rv: 1),
            Fixtures.object(namespace: "a", name: "changed", rv: 2),
            Fixtures.object(namespace: "a", name: "gone", rv: 3),
            Fixtures.object(namespace: "a", name: "replaced", rv: 4, uid: "old"),
        ], rv: 4)
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(4)), allowBookmarks: false), wake: {})
        cache.replace(with: [
            Fixtures.object(namespace: "a", name: "kept", rv: 1),
            Fixtures.object(namespace: "a", name: "changed", rv: 8),
            Fixtures.object(namespace: "a", name: "new", rv: 6),
            Fixtures.object(namespace: "a", name: "replaced", rv: 7, uid: "new"),
        ], resourceVersion: ResourceVersion(9))
        // Deletions get free RVs: the replaced object's below its successor's (5: 6 is taken),
        // the vanished one's at most the LIST's (9).
        let expected = [
            DecodedEvent(type: "DELETED", name: "replaced", resourceVersion: "5"),
            DecodedEvent(type: "ADDED", name: "new", resourceVersion: "6"),
            DecodedEvent(type: "ADDED", name: "replaced", resourceVersion: "7"),
            DecodedEvent(type: "MODIFIED", name: "changed", resourceVersion: "8"),
            DecodedEvent(type: "DELETED", name: "gone", resourceVersion: "9"),
        ]
        #expect(watcher.drain().events == expected)
        #expect(cache.resourceVersion == ResourceVersion(9))
        #expect(cache.store.objects.map(\.key.name) == ["changed", "kept", "new", "replaced"])
        #expect(cache.counters.relists == 1)
        // A client that lost its watch anywhere in the difference resumes with exactly the rest.
        for (index, event) in expected.enumerated() {
            let resumed = try cache.watch(
                WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(UInt64(event.resourceVersion)!)), allowBookmarks: false),
                wake: {})
            #expect(resumed.drain().events == Array(expected[(index + 1)...]), "resumed after \(event.resourceVersion)")
        }
    }

    @Test func relistDeletionsShareTheBoundOnlyWhenNoRVIsFree() throws {
        let cache = synced([
            Fixtures.object(namespace: "a", name: "x", rv: 1),
            Fixtures.object(namespace: "a", name: "y", rv: 2),
            Fixtures.object(namespace: "a", name: "z", rv: 3),
        ], rv: 3)
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(3)), allowBookmarks: false), wake: {})
        // An upstream that removed three objects while its RV moved by one: one free RV (4).
        cache.replace(with: [], resourceVersion: ResourceVersion(4))
        let events = watcher.drain().events
        #expect(events.map(\.type) == ["DELETED", "DELETED", "DELETED"])
        #expect(Set(events.map(\.name)) == ["x", "y", "z"])
        #expect(events.map(\.resourceVersion) == ["4", "4", "4"])
    }

    @Test func staleEventsAreIgnoredAndCounted() {
        let cache = synced([Fixtures.object(namespace: "a", name: "x", rv: 5)], rv: 5)
        #expect(cache.apply(.modified, Fixtures.object(namespace: "a", name: "x", rv: 4)) == .stale)
        #expect(cache.get(ObjectKey(namespace: "a", name: "x"))?.resourceVersion == ResourceVersion(5))
        #expect(cache.counters.staleEventsIgnored == 1)
    }

    @Test func freshnessWaitsEndWhenTheCacheCatchesUp() async {
        let cache = synced([Fixtures.object(namespace: "a", name: "x", rv: 5)], rv: 5)
        #expect(await cache.waitUntilFresh(atLeast: ResourceVersion(5), timeout: .zero))
        #expect(await !cache.waitUntilFresh(atLeast: ResourceVersion(6), timeout: .milliseconds(20)))
        async let caughtUp = cache.waitUntilFresh(atLeast: ResourceVersion(7), timeout: .seconds(30))
        async let gone = cache.waitUntil(.objectGone(ObjectKey(namespace: "a", name: "x"), uid: "uid-a-x"), timeout: .seconds(30))
        // The waits register before or after these changes; either way they must end true.
        cache.apply(.modified, Fixtures.object(namespace: "a", name: "y", rv: 7))
        cache.apply(.deleted, Fixtures.object(namespace: "a", name: "x", rv: 8))
        #expect(await caughtUp)
        #expect(await gone)
    }
}

/// Fan-out shares one encoding: every watcher of an event is handed slices of the same bytes.
@Suite struct WatchEncodingSharingTests {
    @Test func everyWatcherGetsTheSameEncodedBytes() throws {
        let cache = ResourceCache(resource: Fixtures.configMaps)
        cache.replace(with: [], resourceVersion: ResourceVersion(1))
        let watchers = try (0..<50).map { _ in
            try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(1)), allowBookmarks: false), wake: {})
        }
        cache.apply(.added, Fixtures.object(namespace: "a", name: "x", rv: 2))
        var addresses: Set<UnsafeRawPointer> = []
        for watcher in watchers {
            guard case .events(let segments) = watcher.next(maxBytes: 1 << 20), segments.count == 1 else {
                Issue.record("expected one event line")
                continue
            }
            addresses.insert(segments[0].withUnsafeBytes { UnsafeRawPointer($0.baseAddress!) })
            #expect(DecodedEvent.decode(segments) == [DecodedEvent(type: "ADDED", name: "x", resourceVersion: "2")])
        }
        #expect(addresses.count == 1, "50 watchers share one encoded line")
    }
}
