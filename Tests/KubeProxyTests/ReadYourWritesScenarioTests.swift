import KubeAPI
import KubeProxy
import KubeSim
import Testing

/// Issue 4's motivating scenario end to end: KubeSim's watch lags every event, and a client
/// writes through kcache and reads straight back, 200 times for each of create→GET,
/// update→GET, delete→GET and create→LIST (`StaleReadScenario`).
///
/// - read-your-writes, 400 ms lag: no stale read; the reads wait for the cache.
/// - eventual, 400 ms lag: stale reads (the scenario has teeth).
/// - read-your-writes, 1,500 ms lag (beyond `--ryw-timeout` 1 s): no stale read; the reads
///   that gave up waiting were answered upstream, each counted as a fallback.
@Suite struct ReadYourWritesScenarioTests {
    static let scenario = StaleReadScenario(chains: 200, concurrency: 50)

    static func options(_ mode: ConsistencyMode, lag: Duration) -> ProxyFixture.Options {
        var options = ProxyFixture.Options()
        options.consistency = mode
        options.resources = ["configmaps"]
        options.seed = SeedPlan(
            namespaces: scenario.chains, configMapsPerNamespace: 0, podsPerNamespace: 0, nodes: 0,
            namespacePrefix: scenario.namespacePrefix)
        options.watchEventDelay = lag
        return options
    }

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    @Test func readYourWritesNeverReadsStaleBehindA400msWatch() async throws {
        try await ProxyFixture.with(Self.options(.readYourWrites, lag: .milliseconds(400))) { fixture in
            let tally = try await Self.scenario.run(fixture)
            let counters = fixture.statistics.counters(for: Self.configMaps)
            print("read-your-writes, 400 ms watch lag: \(tally.summary); waits \(counters.waits), fallbacks \(counters.fallbacks)")
            #expect(tally.reads.count == 800)
            #expect(tally.stale.isEmpty, "stale reads: \(tally.stale.prefix(5).map(\.detail))")
            // Reads waited (a read finds no wait only when the cache caught up before it
            // arrived, on a very busy machine); what left the cache was counted as a fallback.
            #expect(counters.waits > 400 && counters.waits <= 800)
            #expect(counters.fallbacks == tally.answered(by: "upstream"))
            // The wait did the work: a 400 ms lag is well within the 1 s timeout.
            #expect(tally.answered(by: "cache") >= 600, "\(tally.summary)")
        }
    }

    @Test func eventualReadsStaleBehindA400msWatch() async throws {
        try await ProxyFixture.with(Self.options(.eventual, lag: .milliseconds(400))) { fixture in
            let tally = try await Self.scenario.run(fixture)
            let counters = fixture.statistics.counters(for: Self.configMaps)
            print("eventual, 400 ms watch lag: \(tally.summary)")
            #expect(tally.reads.count == 800)
            for pair in StaleReadScenario.Pair.allCases {
                #expect(tally.stale(pair) > 0, "\(pair.rawValue) never read stale: \(tally.summary)")
            }
            #expect(tally.answered(by: "cache") == 800)
            #expect(counters.waits == 0 && counters.fallbacks == 0)
        }
    }

    @Test func readYourWritesFallsBackUpstreamBehindA1500msWatch() async throws {
        try await ProxyFixture.with(Self.options(.readYourWrites, lag: .milliseconds(1500))) { fixture in
            #expect(fixture.options.readYourWritesTimeout == .seconds(1))
            let tally = try await Self.scenario.run(fixture)
            let counters = fixture.statistics.counters(for: Self.configMaps)
            print("read-your-writes, 1500 ms watch lag: \(tally.summary); waits \(counters.waits), fallbacks \(counters.fallbacks)")
            #expect(tally.reads.count == 800)
            #expect(tally.stale.isEmpty, "stale reads: \(tally.stale.prefix(5).map(\.detail))")
            #expect(counters.fallbacks > 0)
            #expect(counters.fallbacks == tally.answered(by: "upstream"))
            #expect(counters.waits >= counters.fallbacks, "each fallback gave up a wait")
        }
    }
}
