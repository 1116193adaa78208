import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// The watch limits: at most `--max-watchers` open watches (`429` beyond, with a `Status` and
/// `Retry-After`), and at most `--max-watcher-queue-bytes` queued for one watcher (a stalled
/// watcher is ended; the others see every event).
@Suite("Limits: watches")
struct WatchLimitTests {
    static let maxWatchers = 4

    @Test func watchesBeyondTheLimitAreAnswered429() async throws {
        try await HardeningFixture.with(configure: { $0.router.maxWatchers = Self.maxWatchers }) { fixture in
            let before = try await fixture.limitCount(.watchers)
            let from = fixture.sim.currentResourceVersion.value
            var watches: [DownstreamWatch] = []
            defer { for watch in watches { watch.close() } }
            for _ in 0..<Self.maxWatchers { watches.append(try await DownstreamWatch.open(fixture.baseURL, from: from)) }

            // (timeoutSeconds: a watch wrongly admitted ends, and fails the test, instead of hanging it.)
            try await waitUntil(timeout: .seconds(60), "kcache to hold \(Self.maxWatchers) watches") {
                fixture.kcache.proxy.router.watchLimiter.openWatches == Self.maxWatchers
            }
            let refused = try await fixture.client.request(
                "GET", fixture.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(from)&timeoutSeconds=5")
            #expect(refused.status == 429, "\(refused.headers) \(refused.text)")
            #expect(refused.isStatus && refused.statusReason == "TooManyRequests", "\(refused.text)")
            #expect(refused.header("Retry-After") != nil)
            #expect(refused.header("X-Kcache-Source") == "cache")
            try await fixture.expectLimitCount(.watchers, atLeast: before + 1)
            let scrape = try await fixture.kcache.scrape()
            #expect(scrape.value("kcache_http_requests_total", ["verb": "watch", "resource": "configmaps", "code": "429"]) >= 1)

            // The open watches and other reads carry on.
            try await fixture.expectOthersServed()
            let rv = try fixture.createInSim("ns-1", "while-full")
            for watch in watches {
                let received = try await watch.receive { !$0.isEmpty }
                #expect(received.map(\.description) == ["ADDED ns-1/while-full@\(rv)"])
            }
            // A place frees up when a watch ends.
            watches.removeLast().close()
            let admitted = try await eventually(timeout: .seconds(60), "a new watch to be admitted") { () -> KubeTestSupport.WatchStream? in
                let stream = try await fixture.client.watch(fixture.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(rv)")
                if stream.status == 200 { return stream }
                stream.close()
                return nil
            }
            admitted.close()
        }
    }

    /// A watcher that stops reading is ended once `maxWatcherLagBytes` are queued for it; the
    /// metric moves, kcache forgets it and frees its place, and a reader of the same events
    /// misses none. (`SlowWatcherTests` covers the same bound with several readers; this one
    /// proves the limit's metric and place under `--max-watchers`.)
    @Test func aStalledWatcherIsEndedAtItsQueueBoundAndTheOthersAreNot() async throws {
        let bound = 64 << 10
        try await HardeningFixture.with(configure: { $0.registry.cache.maxWatcherLagBytes = bound }) { fixture in
            let scrapeBefore = try await fixture.kcache.scrape()
            let labels = ["group": "", "resource": "configmaps"]
            let from = fixture.sim.currentResourceVersion.value
            let path = fixture.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(from)"
            let reader = try await DownstreamWatch.open(fixture.baseURL, from: from)
            defer { reader.close() }
            // A small receive buffer, never read until the end: the server's writes stall.
            let stalled = try await WatchReader.open(path, reading: .manual(receiveBufferSize: 4096, readSize: 4096))
            do {
                try await Self.checkStalledWatcher(fixture, reader: reader, stalled: stalled, bound: bound)
            } catch {
                await stalled.close()
                throw error
            }
            await stalled.close()
            let scrapeAfter = try await eventually(timeout: .seconds(60), "kcache_watchers_ended_slow_total to move") {
                let scrape = try await fixture.kcache.scrape()
                return scrape.value("kcache_watchers_ended_slow_total", labels) > scrapeBefore.value("kcache_watchers_ended_slow_total", labels) ? scrape : nil
            }
            #expect(scrapeAfter.value("kcache_watchers_ended_slow_total", labels) == scrapeBefore.value("kcache_watchers_ended_slow_total", labels) + 1)
        }
    }

    private static func checkStalledWatcher(_ fixture: HardeningFixture, reader: DownstreamWatch, stalled: WatchReader, bound: Int) async throws {
        #expect(stalled.status == 200 && stalled.header("X-Kcache-Source") == "cache")
        let cache = try #require(fixture.kcache.proxy.registry.cache(for: HardeningFixture.configMaps))
        let limiter = fixture.kcache.proxy.router.watchLimiter
        try await waitUntil(timeout: .seconds(60), "both watchers registered") { cache.watcherCount == 2 }
        #expect(limiter.openWatches == 2)

        // 16 KiB objects, two at a time (under the bound), each pair read by the reader before
        // the next: the stalled watcher's backlog grows past its socket buffers, then past
        // the bound.
        let payload = String(repeating: "x", count: 16 << 10)
        var written: [String] = []
        var received: [DownstreamWatch.Received] = []
        while cache.counters.slowWatchersEnded == 0 {
            try #require(written.count < 2_000, "the stalled watcher was never ended after \(written.count) writes")
            for _ in 0..<2 {
                let name = "big-\(written.count)"
                try fixture.createInSim("ns-0", name, data: payload)
                written.append("ns-0/" + name)
            }
            let count = written.count
            received += try await reader.receive { received.count + $0.count >= count }
            try #require(reader.stream.endReason == nil, "the reader was not ended (after \(count) writes)")
        }
        #expect(cache.counters.slowWatchersEnded == 1, "only the stalled watcher")
        #expect(written.count * (16 << 10) > 8 * bound, "ended only once far past the bound, not before")

        // kcache forgot the stalled watcher and gave back its place under --max-watchers.
        try await waitUntil(timeout: .seconds(60), "kcache to forget the stalled watcher") {
            cache.watcherCount == 1 && limiter.openWatches == 1
        }
        // Reading it now shows a prefix of the writes, then its end: usually the connection
        // closed without the end of the stream (the socket could not take even that); the end
        // of the stream when the socket had drained enough by the time kcache ended it.
        try await stalled.drain()
        try await waitUntil(timeout: .seconds(60), "the stalled watch to show its end") { stalled.endReason != nil }
        let delivered = stalled.take().map(ParsedEvent.init).filter { $0.type != "BOOKMARK" }
        #expect(delivered.count < written.count, "the stalled watcher missed the later writes")
        #expect(delivered.map { "\($0.namespace)/\($0.name)" } == Array(written.prefix(delivered.count)), "a prefix of the writes")

        // The reader has every write, in order, and carries on.
        let rv = try fixture.createInSim("ns-1", "after")
        received += try await reader.receive { $0.contains { $0.key == "ns-1/after" } }
        #expect(received.map(\.key) == written + ["ns-1/after"])
        #expect(received.last?.resourceVersion == rv)
        #expect(DownstreamWatch.orderProblems(received).isEmpty)
        #expect(reader.stream.endReason == nil)
        try await fixture.expectOthersServed()
    }
}
