import KubeAPI
import KubeCache
import KubeSim
import KubeTestSupport
import Testing

/// Bounded memory per watcher (DESIGN.md invariant 6): a watcher that stops reading is ended
/// once it falls `maxWatcherLagBytes` behind, without slowing the others; but the initial
/// events of a new watch stream under TCP back-pressure outside that bound, so a slow reader
/// of a large initial state is not mistaken for a stalled one.
///
/// A client that stops reading would also keep kcache's graceful shutdown waiting, so these
/// tests close their manual readers on every path out.
@Suite struct SlowWatcherTests {
    /// A small bound, so a few megabytes of writes fill it.
    static let lagBound = 64 << 10

    @Test func stalledWatcherIsEndedAndTheOthersAreNot() async throws {
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(seed: seed, configure: { configuration, _ in
            configuration.registry.cache.maxWatcherLagBytes = Self.lagBound
        }) { fixture in
            let start = fixture.sim.currentResourceVersion
            let path = "/api/v1/namespaces/ns-0/configmaps?watch=true&resourceVersion=\(start)"
            var readers: [WatchReader] = []
            for _ in 0..<3 { readers.append(try await fixture.watchReader(path)) }
            let stalled = try await fixture.watchReader(path, reading: .manual(receiveBufferSize: 4096, readSize: 4096))
            do {
                try await Self.checkStalledWatcher(fixture, readers: readers, stalled: stalled)
            } catch {
                await stalled.close()
                for reader in readers { await reader.close() }
                throw error
            }
            await stalled.close()
            for reader in readers { await reader.close() }
        }
    }

    private static func checkStalledWatcher(_ fixture: ProxyFixture, readers: [WatchReader], stalled: WatchReader) async throws {
        #expect(stalled.status == 200)
        #expect(stalled.header("X-Kcache-Source") == "cache")
        let cache = try #require(fixture.cache(ProxyFixture.configMaps))
        #expect(cache.watcherCount == 4)

        // 16 KiB objects, three at a time: each batch reaches the readers before the next is
        // written (their lag stays under 50 KiB), while the stalled watcher's backlog grows
        // past its socket buffers (a few MiB), then past the bound.
        let payload = String(repeating: "x", count: 16 << 10)
        var log: [(name: String, resourceVersion: UInt64)] = []
        while cache.counters.slowWatchersEnded == 0 {
            try #require(log.count < 2000, "the stalled watcher was never ended after \(log.count) writes of 16 KiB")
            for _ in 0..<3 {
                let name = "big-\(log.count)"
                log.append((name, try fixture.create("ns-0", name, data: ["payload": payload])))
            }
            let count = log.count
            try await waitUntil(timeout: .seconds(60), pollInterval: .milliseconds(1), "readers to receive write \(count)") {
                readers.allSatisfy { $0.receivedCount >= count || $0.endReason != nil }
            }
        }
        #expect(cache.counters.slowWatchersEnded == 1, "only the stalled watcher was ended")
        #expect(log.count * (16 << 10) > 16 * lagBound, "the bound was really exceeded, by far")

        // kcache dropped the stalled connection: reading it now shows what it was sent — a
        // prefix of the writes, without gaps — and then the close.
        try await stalled.drain()
        try await waitUntil(timeout: .seconds(60), "kcache to close the stalled watch") { stalled.endReason != nil }
        #expect(stalled.endReason == .closed, "closed without the end of the stream: it could not take even that")
        let delivered = stalled.take().map(ParsedEvent.init)
        #expect(delivered.count < log.count, "the stalled watcher missed the later writes")
        #expect(delivered.map(\.name) == log.prefix(delivered.count).map(\.name), "what it got is a prefix of the writes")
        #expect(delivered.map(\.resourceVersion) == log.prefix(delivered.count).map(\.resourceVersion))
        try await waitUntil(timeout: .seconds(60), "kcache to forget the stalled watcher") { cache.watcherCount == 3 }

        // The readers have everything, and carry on.
        let last = try fixture.create("ns-0", "after")
        for (index, reader) in readers.enumerated() {
            let events = try await reader.receive(log.count + 1, "reader \(index)")
            #expect(events.map(\.name) == log.map(\.name) + ["after"], "reader \(index)")
            #expect(events.map(\.resourceVersion) == log.map(\.resourceVersion) + [last], "reader \(index)")
            #expect(reader.endReason == nil, "reader \(index) was not ended")
        }
        #expect(cache.counters.slowWatchersEnded == 1)
    }

    @Test func slowReaderOfALargeInitialWatchIsNotEnded() async throws {
        let objects = 20_000
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: objects, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(seed: seed, configure: { configuration, _ in
            configuration.registry.cache.maxWatcherLagBytes = Self.lagBound
        }) { fixture in
            let watch = try await fixture.watchReader(
                "/api/v1/configmaps?watch=true&resourceVersion=0", reading: .manual(receiveBufferSize: 16 << 10, readSize: 16 << 10))
            do {
                try await Self.checkSlowReader(fixture, watch: watch, objects: objects)
            } catch {
                await watch.close()
                throw error
            }
            await watch.close()
        }
    }

    private static func checkSlowReader(_ fixture: ProxyFixture, watch: WatchReader, objects: Int) async throws {
        #expect(watch.status == 200)
        #expect(watch.header("X-Kcache-Source") == "cache")
        let cache = try #require(fixture.cache(ProxyFixture.configMaps))

        var initial: [ParsedEvent] = []
        var later: [ParsedEvent] = []
        var writes: [(type: String, name: String, resourceVersion: UInt64)] = []
        var reads = 0
        while initial.count + later.count < objects + 4 && watch.endReason == nil {
            try await watch.readOnce()
            reads += 1
            for event in watch.take().map(ParsedEvent.init) {
                if initial.count < objects { initial.append(event) } else { later.append(event) }
            }
            // A slow reader: 16 KiB at a time, with a pause after every read.
            try await Task.sleep(for: .milliseconds(1))
            if writes.isEmpty && initial.count >= 2_000 {
                // Changes while the initial events are still streaming come after them.
                writes.append(("ADDED", "late-0", try fixture.create("ns-0", "late-0")))
                writes.append(("MODIFIED", "cm-7", try fixture.patch("ns-0", "cm-7", data: ["late": "1"])))
                writes.append(("DELETED", "cm-9", try fixture.delete("ns-0", "cm-9")))
                writes.append(("ADDED", "late-1", try fixture.create("ns-0", "late-1")))
            }
        }
        #expect(watch.endReason == nil, "the slow reader's watch was not ended")
        #expect(cache.counters.slowWatchersEnded == 0)
        #expect(initial.count == objects)
        #expect(initial.allSatisfy { $0.type == "ADDED" })
        #expect(Set(initial.map(\.name)).count == objects, "every object once")
        #expect(watch.bodyBytes > 100 * lagBound, "the initial events were far larger than the lag bound")
        #expect(later.map { "\($0.type) \($0.name)@\($0.resourceVersion)" } == writes.map { "\($0.type) \($0.name)@\($0.resourceVersion)" },
                "the writes made meanwhile arrive after the initial events, in order")
        #expect(reads > 250, "read slowly, in \(reads) small reads")
    }
}
