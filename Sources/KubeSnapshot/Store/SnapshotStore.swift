import Foundation
import KubeAPI
import KubeCache
import Logging
import Metrics

/// Saves the caches to a SQLite file and restores them at start, so a restarted kcache serves
/// at once and resumes its upstream watches from the saved resourceVersions (`--snapshot`).
///
/// Lifecycle (the executable's wiring):
/// ```
/// let snapshots = SnapshotStore(configuration: …, logger: …)
/// for restored in await snapshots.load() { restored.restore(into: cache) }   // before reflectors
/// task: await snapshots.runPeriodicSaves(caches: { registry.caches })        // until cancelled
/// shutdown: await snapshots.save(registry.caches); await snapshots.close()
/// ```
///
/// Contract:
/// - **Consistency.** Each save is one transaction: a restart loads the last committed save,
///   complete (every resource row with exactly its objects and event tail) or, when the file
///   cannot be read, nothing. Each resource is saved from one `CacheSnapshot`, so its objects,
///   RV and history agree; different resources may be from slightly different moments.
/// - **Incremental.** A save writes what changed since the last committed one
///   (`Store.changes(since:)` against the store it last wrote), the new tail of each history,
///   and each resource's row. A failed save commits nothing and the baseline stays, so the next
///   save writes the failed one's changes too.
/// - **Off the request path.** The actor runs on its own dispatch queue (`SnapshotExecutor`):
///   SQLite calls block that queue only. Caches are read through O(1) immutable snapshots.
/// - **Memory.** Rows are written and read one at a time; SQLite's page cache is capped
///   (8 MiB) and a large transaction spills to the WAL.
/// - **Safety.** The file is mode 0600. Resources `shouldSave` rejects (Secrets by default)
///   are never written. A corrupt, foreign or newer-schema file is logged, renamed to
///   `FILE.corrupt-<time>`, and `load()` returns nothing (a cold start). Save failures are
///   logged and counted; serving is never affected. The file is locked while open (SQLite
///   exclusive locking): a second kcache given the same file starts cold, leaves the file
///   alone, and counts failed saves until the first lets go.
public actor SnapshotStore {
    public nonisolated let configuration: Configuration
    nonisolated let logger: Logger
    nonisolated let metrics: SnapshotMetrics
    private nonisolated let executor: SnapshotExecutor

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    // Actor-isolated state, touched only on the executor's queue.

    /// The open file; nil before the first load or save, and after `close()` or a failure
    /// that made the file unusable.
    var file: SnapshotFile?
    /// What the file holds per resource as of its last commit.
    var saved: [GroupVersionResource: SavedResource] = [:]
    /// The `snapshot_id` of the file `saved` describes exactly, as of its last commit; nil when
    /// none. A save to any other file (one kcache did not load, or that replaced it) rewrites
    /// that file entirely.
    var baselineSnapshotID: String?
    /// Resource rows the file holds that must go at the next save (now excluded).
    var pendingPurges: [Int64] = []
    var statisticsValue = SnapshotStatistics()

    public init(configuration: Configuration, logger: Logger = Logger(label: "kcache.snapshot")) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "snapshot"] = "\(configuration.path)"
        self.logger = logger
        metrics = SnapshotMetrics(factory: configuration.metricsFactory ?? MetricsSystem.factory)
        executor = SnapshotExecutor(label: "kcache.snapshot")
    }

    /// What the store has done so far.
    public var statistics: SnapshotStatistics { statisticsValue }

    /// Checkpoints and closes the file. A later save or load opens it again (and a save goes on
    /// incrementally if it is still the same file).
    public func close() {
        guard let file else { return }
        do {
            try file.checkpoint()
        } catch {
            logger.warning("snapshot checkpoint at close failed", metadata: ["error": "\(error)"])
        }
        file.close()
        self.file = nil
    }

    /// Closes the file without checkpointing and forgets what it holds (after an error).
    func discardFile() {
        file?.close()
        file = nil
        saved = [:]
        pendingPurges = []
        baselineSnapshotID = nil
    }

    /// Moves an unreadable file aside (after closing it), logging what happened.
    func moveAside(because error: any Error, while action: String) {
        discardFile()
        do {
            let target = try SnapshotFiles.moveAside(configuration.path, now: configuration.now())
            statisticsValue.filesMovedAside += 1
            let consequence = action == "loading" ? "starting cold" : "the next save writes a new one"
            logger.error("snapshot file is unreadable; moved it aside and \(consequence)", metadata: [
                "while": "\(action)", "error": "\(error)", "movedTo": "\(target)",
            ])
        } catch let moveError {
            logger.error("snapshot file is unreadable and could not be moved aside", metadata: [
                "while": "\(action)", "error": "\(error)", "moveError": "\(moveError)",
            ])
        }
    }

    func recordFileSize() {
        let bytes = SnapshotFiles.size(of: configuration.path)
        statisticsValue.fileBytes = bytes
        metrics.bytes.record(bytes)
    }
}
