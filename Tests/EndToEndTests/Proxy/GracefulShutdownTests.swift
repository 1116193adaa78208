import KubeAPI
import KubeSim
import KubeTestSupport
import Synchronization
import Testing

/// Graceful shutdown (SIGTERM) ends every watch at once — clients re-watch elsewhere — and is
/// not held up by a client that does not read, so kcache exits (and saves its snapshot)
/// promptly rather than when the last watch times out, tens of minutes later.
@Suite struct GracefulShutdownTests {
    @Test func openWatchesEndAtOnce() async throws {
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 3, podsPerNamespace: 0, nodes: 0)
        try await ProxyFixture.with(seed: seed) { fixture in
            var readers: [WatchReader] = []
            for path in ["/api/v1/configmaps?watch=true", "/api/v1/namespaces/ns-0/configmaps?watch=true&allowWatchBookmarks=true"] {
                let reader = try await fixture.watchReader(path)
                #expect(reader.header("X-Kcache-Source") == "cache")
                let initial = try await reader.receive(3).filter { $0.type != "BOOKMARK" }
                #expect(initial.map(\.type) == ["ADDED", "ADDED", "ADDED"])
                readers.append(reader)
            }
            let finished = try await Self.shutdown(fixture) {
                try await waitUntil(timeout: .seconds(60), "every watch to end") { readers.allSatisfy { $0.endReason != nil } }
            }
            #expect(finished, "kcache's shutdown finished")
            for reader in readers {
                #expect(reader.endReason == .completed, "the watch ended normally (terminating chunk), not cut off")
                await reader.close()
            }
        }
    }

    @Test func stalledClientDoesNotHoldUpShutdown() async throws {
        // 300 configmaps of 16 KiB: initial events far beyond the socket buffers.
        let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 300, podsPerNamespace: 0, configMapDataBytes: 16 << 10, nodes: 0)
        try await ProxyFixture.with(seed: seed, configure: { configuration, _ in
            configuration.server.limits.shutdownGracePeriod = .seconds(1)  // 5 s by default
        }) { fixture in
            let stalled = try await fixture.watchReader(
                "/api/v1/configmaps?watch=true", reading: .manual(receiveBufferSize: 4096, readSize: 4096))
            #expect(stalled.status == 200)
            let finished = try await Self.shutdown(fixture) {}
            #expect(finished, "kcache's shutdown finished despite a client that does not read")
            await stalled.close()
        }
    }

    /// Triggers kcache's graceful shutdown, runs `during`, and waits (60 s at most) for the
    /// shutdown to finish; returns whether it did. Clients still open are then closed by the
    /// caller, which lets a stuck shutdown finish after all.
    private static func shutdown(_ fixture: ProxyFixture, during: () async throws -> Void) async throws -> Bool {
        let finished = Flag()
        Task {
            await fixture.front.shutdown()
            finished.set()
        }
        try await during()
        do {
            try await waitUntil(timeout: .seconds(60), "kcache's graceful shutdown to finish") { finished.isSet }
        } catch {
            Issue.record(error)
        }
        return finished.isSet
    }
}

/// A flag set once, from any task.
private final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
