import Foundation
import KubeAPI
import KubeCache

extension SnapshotStore {
    /// Saves what changed in `caches` since the last committed save, in one transaction, then
    /// checkpoints the WAL into the file.
    ///
    /// Caches that cannot serve (still listing, uncached) and resources `shouldSave` rejects
    /// are skipped; what the file holds for a skipped resource stays. A resource's `savedAt`
    /// moves on only while its cache is `synced` (fed by a live watch), so a snapshot of data
    /// restored or cut off from the upstream keeps the age of that data.
    ///
    /// - Returns: what was written, or nil when the save failed (logged and counted; nothing
    ///   was committed, and the next save writes these changes too).
    @discardableResult
    public func save(_ caches: [ResourceCache]) -> SnapshotSaveReport? {
        let start = ContinuousClock.now
        do {
            let file = try openForSaving()
            var report = try write(caches, to: file)
            report.duration = .now - start
            let now = configuration.now()
            statisticsValue.saves += 1
            statisticsValue.lastSave = report
            statisticsValue.lastSuccessAt = now
            statisticsValue.lastError = nil
            statisticsValue.objectsWritten += report.objectsUpserted
            statisticsValue.objectsDeleted += report.objectsDeleted
            statisticsValue.eventsWritten += report.eventsInserted
            metrics.saves.increment()
            metrics.saveDuration.recordNanoseconds(report.duration.nanoseconds)
            metrics.lastSuccess.record(now.timeIntervalSince1970)
            do {
                try file.checkpoint()
            } catch {
                // Committed all the same: the WAL holds it and a later checkpoint moves it.
                logger.warning("snapshot checkpoint failed", metadata: ["error": "\(error)"])
            }
            recordFileSize()
            logger.debug("snapshot saved", metadata: [
                "resources": "\(report.resources)", "upserted": "\(report.objectsUpserted)",
                "deleted": "\(report.objectsDeleted)", "events": "\(report.eventsInserted)",
                "duration": "\(report.duration)",
            ])
            return report
        } catch {
            statisticsValue.saveFailures += 1
            statisticsValue.lastError = "\(error)"
            metrics.saveFailures.increment()
            if SnapshotError.isUnreadableFile(error) {
                moveAside(because: error, while: "saving")
            } else {
                logger.error("snapshot save failed; the next save retries", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }

    /// Saves every `interval` (default `configuration.interval`) until the task is cancelled.
    /// `caches` is asked anew each time, so caches started on demand are included.
    /// The final save at shutdown is the caller's: `await save(…)` after cancelling this.
    public nonisolated func runPeriodicSaves<C: Clock<Duration>>(
        every interval: Duration? = nil, clock: C = ContinuousClock(),
        caches: @escaping @Sendable () -> [ResourceCache]
    ) async {
        let interval = interval ?? configuration.interval
        while true {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            await save(caches())
        }
    }

    /// `runPeriodicSaves` over a fixed set of caches.
    public nonisolated func runPeriodicSaves(every interval: Duration? = nil, caches: [ResourceCache]) async {
        await runPeriodicSaves(every: interval, caches: { caches })
    }

    /// The open file, reopened when the path now names another file (deleted or replaced
    /// under kcache: its contents are then unknown and the save rewrites everything).
    private func openForSaving() throws -> SnapshotFile {
        if let file {
            if let identity = file.identity, SnapshotFiles.identity(of: configuration.path) == identity {
                return file
            }
            logger.warning("snapshot file was removed or replaced; writing a new one")
            discardFile()
        }
        let opened = try SnapshotFile(
            path: configuration.path, create: true, maxBytes: configuration.maxFileBytes,
            createdAt: configuration.now().timeIntervalSince1970)
        file = opened
        return opened
    }

    /// Writes one save's transaction; updates the baseline only once it has committed.
    private func write(_ caches: [ResourceCache], to file: SnapshotFile) throws -> SnapshotSaveReport {
        var report = SnapshotSaveReport()
        var seen = Set<GroupVersionResource>()
        var snapshots: [(CachedResource, CacheSnapshot)] = []
        for cache in caches {
            let resource = cache.resource.groupVersionResource
            guard seen.insert(resource).inserted, configuration.shouldSave(resource) else { continue }
            let snapshot = cache.snapshot(historyLimit: configuration.historyEvents)
            guard snapshot.readiness.isReady else { continue }
            snapshots.append((cache.resource, snapshot))
        }

        let isBaselineExact = baselineSnapshotID == file.snapshotID
        var updated = isBaselineExact ? saved : [:]
        let writer = ResourceWriter(
            statements: try file.statements, connection: file.connection, now: configuration.now(),
            historyBytes: configuration.historyBytes)
        try file.begin()
        do {
            if isBaselineExact {
                for id in pendingPurges {
                    try file.deleteResource(id: id)
                    report.resourcesPurged += 1
                }
            } else {
                try file.deleteEverything()
                report.isFullRewrite = true
            }
            for (resource, snapshot) in snapshots {
                let gvr = resource.groupVersionResource
                updated[gvr] = try writer.write(resource, snapshot, over: updated[gvr], report: &report)
            }
            report.resources = snapshots.count
            try configuration.onSaveInProgress?()
            pauseIfAsked()
            try file.commit()
        } catch {
            if !file.rollback() { discardFile() }
            throw error
        }
        saved = updated
        pendingPurges = []
        baselineSnapshotID = file.snapshotID
        return report
    }

    /// The crash-test pause: mark the open transaction with a file, then hold it open.
    private func pauseIfAsked() {
        guard let path = configuration.savePauseFile else { return }
        if !FileManager.default.createFile(atPath: path, contents: nil) {
            logger.warning("could not create the save pause file", metadata: ["path": "\(path)"])
        }
        let pause = configuration.savePause.components
        Thread.sleep(forTimeInterval: Double(pause.seconds) + Double(pause.attoseconds) / 1e18)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
