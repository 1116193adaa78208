import Foundation
import KubeSim
import KubeTestSupport
import Testing

extension SnapshotProcessTests {
    /// `kill -9` while a save's transaction is open, 20 times: every restart loads the last
    /// committed snapshot, complete and consistent (issue 5, crash safety).
    ///
    /// `KCACHE_TEST_SAVE_PAUSE_FILE` makes every save create that file once its writes are done
    /// and hold the transaction open 200 ms before COMMIT; the test kills kcache as soon as the
    /// file appears. Rounds alternate between two crashes:
    /// - **first save**: killed during the first save after a restart (the one that writes what
    ///   the resumed watch caught up on). The last committed snapshot is the one the round
    ///   started from, unchanged.
    /// - **third save**: two saves commit after the cache has caught up, the third is killed.
    ///   The last committed snapshot is the second: the upstream's state at the round's RV, saved
    ///   before the third save's pause file appeared.
    /// Between rounds the upstream changes (updates, creates, deletes), so every save has work.
    /// After each kill a copy of the file is loaded as kcache loads it and checked against
    /// KubeSim's own state at the snapshot's RV, then the next round's kcache restores it.
    @Suite struct CrashSafetyTests {
        static let rounds = 20

        @Test func killNineMidSaveAlwaysLeavesTheLastCommittedSnapshot() async throws {
            let seed = SeedPlan(namespaces: 4, configMapsPerNamespace: 50, podsPerNamespace: 0, nodes: 0)
            try await RestartFixture.with(seed: seed) { fixture in
                let pauseFile = fixture.directory + "/save-in-progress"
                let environment = ["KCACHE_TEST_SAVE_PAUSE_FILE": pauseFile]
                let arguments = ["--snapshot-interval", "100ms"]
                let clock = ContinuousClock()
                let testStart = clock.now

                _ = try await fixture.warmUp()
                var committed = try await Self.verifiedSnapshot(fixture)
                var killsInPause = 0
                var firstSaveKillsBeforeCommit = 0
                var thirdSaveKillsBeforeCommit = 0
                var objectsChanged = 0

                for round in 0..<Self.rounds {
                    objectsChanged += try Self.churn(fixture, round: round)
                    let target = fixture.sim.currentResourceVersion.value
                    try? FileManager.default.removeItem(atPath: pauseFile)

                    let running = try await fixture.start(arguments, environment: environment)
                    let loaded = try await running.process.waitForLog("loaded snapshot")
                    #expect(loaded["objects"] == String(committed.objects.count), "round \(round): kcache loaded the verified snapshot")
                    let killsFirstSave = round % 2 == 0
                    let pause: PauseFile
                    if killsFirstSave {
                        pause = try await PauseFile.waitForNext(pauseFile, process: running.process)
                    } else {
                        try await waitUntil(timeout: .seconds(20), "round \(round): kcache to catch up with RV \(target)") {
                            let list = try await fixture.list(running.baseURL + "/api/v1/configmaps?resourceVersion=0")
                            return UInt64(list.resourceVersion) ?? 0 >= target
                        }
                        // A save under way now may hold a snapshot from before the catch-up; the
                        // one after it surely does not, and the one after that is the one killed.
                        for _ in 0..<2 {
                            try? FileManager.default.removeItem(atPath: pauseFile)
                            _ = try await PauseFile.waitForNext(pauseFile, process: running.process)
                        }
                        try? FileManager.default.removeItem(atPath: pauseFile)
                        pause = try await PauseFile.waitForNext(pauseFile, process: running.process)
                    }
                    running.process.send(SIGKILL)
                    let killedAt = Date()
                    try await running.process.waitForExit(timeout: .seconds(10))
                    // The kill landed while the save's transaction was open (COMMIT comes 200 ms
                    // after the file; its modification time reads early if anything).
                    let inPause = killedAt.timeIntervalSince(pause.createdAt) < 0.2
                    if inPause { killsInPause += 1 }

                    let snapshot = try await Self.verifiedSnapshot(fixture, round: round)
                    #expect(snapshot.resourceVersion >= committed.resourceVersion, "round \(round): the snapshot never goes back")
                    if !killsFirstSave {
                        #expect(snapshot.resourceVersion == target, "round \(round): the last committed save holds the caught-up state")
                    }
                    // The killed save took its savedAt just before its writes, after the save
                    // before it had committed: 300 ms (pause and interval) after that one took its
                    // own. A snapshot whose savedAt is well before the killed save's pause file is
                    // not the killed save's, so that save never committed. (The first save after a
                    // restore may also leave the restored snapshot as it was.)
                    let unchanged = snapshot.resourceVersion == committed.resourceVersion && snapshot.savedAt == committed.savedAt
                    if unchanged || snapshot.savedAt < pause.createdAt.addingTimeInterval(-0.15) {
                        if killsFirstSave { firstSaveKillsBeforeCommit += 1 } else { thirdSaveKillsBeforeCommit += 1 }
                    }
                    committed = snapshot
                }

                // The last round's snapshot restores as it is, and kcache resumes from it.
                let last = try await fixture.start()
                try await fixture.waitUntilSynced(last)
                #expect(try await fixture.list(last.baseURL + "/api/v1/configmaps").items == (try fixture.upstreamList()).items)
                #expect(try await last.process.terminate() == 0)
                let movedAside = try FileManager.default.contentsOfDirectory(atPath: fixture.directory).filter { $0.contains(".corrupt-") }
                #expect(movedAside.isEmpty, "no snapshot was ever found unreadable: \(movedAside)")

                let beforeCommit = firstSaveKillsBeforeCommit + thirdSaveKillsBeforeCommit
                print("""
                    crash safety: \(Self.rounds) kill -9 during saves, \(killsInPause) sent within the 200 ms pause with the \
                    transaction open; \(beforeCommit) shown to be before its COMMIT (first save: \(firstSaveKillsBeforeCommit)/\(Self.rounds / 2), \
                    third save: \(thirdSaveKillsBeforeCommit)/\(Self.rounds / 2)); \(objectsChanged) upstream writes between kills; \
                    every restart loaded the last committed snapshot; \(clock.now - testStart)
                    """)
                #expect(beforeCommit >= Self.rounds / 2, "most kills landed mid-save")
            }
        }

        /// The snapshot a restart would load, checked: readable, every object's bytes an object of
        /// the kind with its RV, nothing newer than the resource's RV, the event tail in RV order,
        /// and exactly KubeSim's state at that RV (every object, none missing or extra).
        static func verifiedSnapshot(_ fixture: RestartFixture, round: Int = -1) async throws -> SnapshotInspection.Resource {
            let inspection = try await SnapshotInspection.load(copyOf: fixture.snapshotPath)
            #expect(!inspection.wasUnreadable, "round \(round): the snapshot is readable")
            let snapshot = try #require(inspection.resources["configmaps"], "round \(round): configmaps are in the snapshot")
            #expect(snapshot.unparsable.isEmpty, "round \(round): unparsable objects \(snapshot.unparsable.prefix(5))")
            #expect(snapshot.aheadOfResource.isEmpty, "round \(round): objects newer than the resource's RV")
            #expect(snapshot.eventResourceVersions == snapshot.eventResourceVersions.sorted(), "round \(round): event tail in RV order")
            #expect(snapshot.eventResourceVersions.allSatisfy { $0 <= snapshot.resourceVersion })
            let upstream = try await fixture.upstreamList(at: String(snapshot.resourceVersion))
            #expect(snapshot.objects == upstream.items, "round \(round): the snapshot is the upstream's state at RV \(snapshot.resourceVersion)")
            return snapshot
        }

        /// Writes to the upstream between rounds: updates, a create and a delete; returns how many.
        static func churn(_ fixture: RestartFixture, round: Int) throws -> Int {
            let namespace = "ns-\(round % 4)"
            for index in 0..<8 {
                try fixture.updateConfigMap(namespace, "cm-\((round * 8 + index) % 50)", data: "round-\(round)")
            }
            try fixture.createConfigMap(namespace, "crash-\(round)")
            if round > 0 { try fixture.deleteConfigMap("ns-\((round - 1) % 4)", "crash-\(round - 1)") }
            return round > 0 ? 10 : 9
        }
    }
}

/// The save-in-progress file of `KCACHE_TEST_SAVE_PAUSE_FILE`.
struct PauseFile {
    /// Its modification time: when the save's transaction reached its pause (the file
    /// system's clock is coarse, so this may read a few milliseconds early).
    var createdAt: Date

    /// Waits until the file exists (polling every millisecond); fails if kcache exits first.
    static func waitForNext(_ path: String, process: KcacheProcess, timeout: Duration = .seconds(20)) async throws -> PauseFile {
        try await eventually(timeout: timeout, pollInterval: .milliseconds(1), "a save to pause at \(path)") {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
               let date = attributes[.modificationDate] as? Date {
                return PauseFile(createdAt: date)
            }
            if let exit = process.exitStatus {
                throw KcacheProcess.Failure(description: "kcache exited (\(exit)) before a save paused:\n\(process.standardError.suffix(2000))")
            }
            return nil
        }
    }
}
