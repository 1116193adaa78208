import Foundation
import KubeAPI
import KubeProxy
import KubeSim
import KubeSnapshot
import KubeTestSupport
import Testing

/// The upstream goes away (issue 7, "upstream down"): reads keep being answered from the cache,
/// with a `Warning` header saying since when the data may be stale; writes fail at once with a
/// `503` Status; `/readyz` stays ready while `?verbose` shows the upstream failing. When the
/// upstream comes back, kcache catches up and the warnings stop.
@Suite("Upstream down")
struct UpstreamDownTests {
    /// How the upstream is away.
    enum Outage: String, CaseIterable, CustomTestStringConvertible {
        /// It answers every request `503` (an API server without etcd, an overloaded LB).
        case answers503
        /// Its process is gone: connections are refused. It comes back on the same port.
        case stopped
        var testDescription: String { rawValue }
    }

    @Test(arguments: Outage.allCases)
    func readsAreServedFromTheCacheWithAWarningAndWritesFailFast(_ outage: Outage) async throws {
        // A write timeout far beyond the test's deadlines: the 503 for a write must come from
        // the upstream being away, not from kcache giving up on a silent upstream.
        try await HardeningFixture.with(configure: { $0.upstreamWriteTimeout = .seconds(3600) }) { fixture in
            let sim = fixture.sim
            let startRV = sim.currentResourceVersion
            let watch = try await fixture.client.watch(fixture.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(startRV)")
            defer { watch.close() }
            let before = Date()
            let port = sim.port
            switch outage {
            case .answers503:
                sim.faults.isDown = true
                sim.faults.dropAllWatches()
            case .stopped:
                try await sim.shutdown()
            }
            // kcache notices when its re-watch fails.
            let verbose = try await eventually(timeout: .seconds(60), "/readyz?verbose to show the upstream failing") {
                let response = try await fixture.get("/readyz?verbose")
                return response.text.contains("[-]upstream failing") ? response : nil
            }
            #expect(verbose.status == 200, "still ready: \(verbose.text)")
            #expect(verbose.text.contains("[+]resource:configmaps ok"), "\(verbose.text)")
            #expect(verbose.text.contains("cache:configmaps failing"), "\(verbose.text)")
            #expect(try await fixture.get("/readyz").status == 200)

            // Reads: from the cache, with the warning.
            let expectedState = try fixture.simState()
            for path in ["/api/v1/namespaces/ns-0/configmaps/cm-0", "/api/v1/configmaps", "/api/v1/namespaces/ns-1/configmaps?labelSelector=app%3Dapp-1"] {
                let response = try await fixture.get(path)
                #expect(response.status == 200, "\(path): \(response.text.prefix(200))")
                #expect(response.header("X-Kcache-Source") == "cache", "\(path)")
                try Self.expectStaleSince(response.header("Warning"), notBefore: before, path)
            }
            let listed = try ListedObjects(try await fixture.get("/api/v1/configmaps"))
            #expect(listed.objects == expectedState, "the LIST is what KubeSim held")
            let newWatch = try await fixture.client.watch(fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps?watch=true")
            defer { newWatch.close() }
            #expect(newWatch.status == 200)
            try Self.expectStaleSince(newWatch.header("Warning"), notBefore: before, "watch")
            let initial = try await newWatch.next(3)
            #expect(initial.map(\.type) == ["ADDED", "ADDED", "ADDED"])
            #expect(watch.endReason == nil, "the open watch stays open")

            // Writes: a 503 Status, without waiting on the upstream (see the write timeout).
            let write = try await fixture.write("POST", "/api/v1/namespaces/ns-0/configmaps", json: #"{"metadata":{"name":"while-down"}}"#)
            #expect(write.status == 503, "\(write.text)")
            #expect(write.isStatus && write.statusReason == "ServiceUnavailable", "\(write.text)")
            if outage == .stopped {
                // kcache's own answer (the upstream's 503 is passed on as it is).
                #expect(write.header("Retry-After") == "1", "\(write.headers)")
            }
            #expect((try? fixture.sim.get(HardeningFixture.configMaps, namespace: "ns-0", name: "while-down")) == nil, "nothing was written")

            // Back: kcache catches up, the open watch gets what happened meanwhile, no warning.
            let missedRV = try fixture.createInSim("ns-1", "written-while-down")
            switch outage {
            case .answers503: sim.faults.isDown = false
            case .stopped: try await sim.start(host: "127.0.0.1", port: port)
            }
            let missed = try await watch.first(timeout: .seconds(60)) { $0.name == "written-while-down" }
            #expect(missed?.type == "ADDED" && missed?.resourceVersion == String(missedRV))
            try await waitUntil(timeout: .seconds(60), "reads without the staleness warning") {
                try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0").header("Warning") == nil
            }
            let written = try await fixture.client.send(
                "POST", fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps", json: #"{"metadata":{"name":"after-down"}}"#)
            #expect(written.status == 201, "\(written.text)")
            // Once discovery has refreshed too (it may have failed during the outage).
            try await waitUntil(timeout: .seconds(60), "/readyz?verbose to show the upstream ok") {
                try await fixture.get("/readyz?verbose").text.contains("[+]upstream ok")
            }
            try await fixture.expectCacheEqualsSim()
        }
    }

    /// An upstream that accepts a write and never answers it: kcache answers `503` within
    /// `upstreamWriteTimeout` instead of holding the client forever.
    @Test func writeToAHungUpstreamFailsWithinItsBound() async throws {
        try await HardeningFixture.with(configure: { $0.upstreamWriteTimeout = .seconds(1) }) { fixture in
            fixture.sim.faults.misbehaviour.stall(verbs: ["create"])
            defer { fixture.sim.faults.misbehaviour.release() }
            let clock = ContinuousClock()
            let started = clock.now
            // The upstream never answers: that kcache does, within the test's deadline, is the
            // bound (libcurl judges silence by its average speed over the last 5 s, so kcache
            // answers 1 to 6 s after the upstream fell silent).
            let write = try await fixture.write("POST", "/api/v1/namespaces/ns-0/configmaps", json: #"{"metadata":{"name":"hung"}}"#)
            let took = clock.now - started
            #expect(write.status == 503, "\(write.text)")
            #expect(write.isStatus && write.statusReason == "ServiceUnavailable", "\(write.text)")
            // A lower bound only (load can only make it later): kcache waited for the silence.
            #expect(took >= .milliseconds(900), "answered after \(took), before 1 s of silence")
            #expect(fixture.sim.counters.count(verb: "create", resource: "configmaps") == 1, "the write reached the upstream, which held it")
            // Reads are not held up meanwhile.
            let read = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0")
            #expect(read.status == 200 && (read.object["metadata"] as? [String: Any])?["name"] as? String == "cm-0")
        }
    }

    /// kcache restarted from its snapshot while the upstream is down: ready at once, reads
    /// answered from the restored data with a warning naming its age, writes refused.
    @Test func restoredDataIsServedWhileTheUpstreamIsDown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-restore-down-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshotPath = directory.appendingPathComponent("kcache.db").path
        try await HardeningFixture.with(configure: { $0.snapshot = SnapshotStore.Configuration(path: snapshotPath) }) { fixture in
            let sim = fixture.sim
            let expectedState = try fixture.simState()
            await fixture.kcache.shutdown()  // saves the snapshot
            sim.faults.isDown = true
            var configuration = try KcacheInstance.configuration(upstream: sim)
            configuration.snapshot = SnapshotStore.Configuration(path: snapshotPath)
            let restarted = try await KcacheInstance.start(configuration)  // returns once /readyz passes
            do {
                // Ready at once; the upstream shows as failing once kcache has tried it.
                let ready = try await TestHTTPClient().request("GET", restarted.baseURL + "/readyz")
                #expect(ready.status == 200, "\(ready.text)")
                let verbose = try await eventually(timeout: .seconds(60), "/readyz?verbose to show the upstream failing") {
                    let response = try await TestHTTPClient().request("GET", restarted.baseURL + "/readyz?verbose")
                    return response.text.contains("[-]upstream failing") ? response : nil
                }
                #expect(verbose.status == 200, "\(verbose.text)")
                #expect(verbose.text.contains("cache:configmaps restored"), "\(verbose.text)")
                let read = try await TestHTTPClient().request("GET", restarted.baseURL + "/api/v1/configmaps")
                #expect(read.status == 200 && read.header("X-Kcache-Source") == "cache")
                #expect(try ListedObjects(read).objects == expectedState)
                let warning = try #require(read.header("Warning"))
                #expect(warning.hasPrefix(#"299 - "kcache: restored from a snapshot saved "#) && warning.contains("not yet resynced"), "\(warning)")
                let write = try await TestHTTPClient().send(
                    "POST", restarted.baseURL + "/api/v1/namespaces/ns-0/configmaps", json: #"{"metadata":{"name":"x"}}"#)
                #expect(write.status == 503 && write.isStatus, "\(write.text)")

                sim.faults.isDown = false
                try await waitUntil(timeout: .seconds(60), "the restored cache to resync") {
                    let response = try await TestHTTPClient().request("GET", restarted.baseURL + "/api/v1/configmaps")
                    return response.status == 200 && response.header("Warning") == nil
                }
            } catch {
                await restarted.shutdown()
                throw error
            }
            await restarted.shutdown()
        }
    }

    /// `Warning: 299 - "kcache: the API server is unreachable; data may be stale since <ISO 8601>"`,
    /// the time between `notBefore` (less a second: the header has whole seconds) and now.
    static func expectStaleSince(_ warning: String?, notBefore: Date, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let warning = try #require(warning, "\(what): a Warning header", sourceLocation: sourceLocation)
        let prefix = #"299 - "kcache: the API server is unreachable; data may be stale since "#
        #expect(warning.hasPrefix(prefix) && warning.hasSuffix("\""), "\(what): \(warning)", sourceLocation: sourceLocation)
        let stamp = String(warning.dropFirst(prefix.count).dropLast())
        let since = try #require(ISO8601DateFormatter().date(from: stamp), "\(what): a time in \(warning)", sourceLocation: sourceLocation)
        #expect(since >= notBefore.addingTimeInterval(-1) && since <= Date(), "\(what): stale since \(since), outage began \(notBefore)",
                sourceLocation: sourceLocation)
    }
}
