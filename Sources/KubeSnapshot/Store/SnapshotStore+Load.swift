import Foundation
import KubeAPI
import KubeCache

extension SnapshotStore {
    /// Reads the last committed snapshot: call once at start, before the reflectors run, and
    /// `restore(into:)` each resource's cache.
    ///
    /// Returns nothing — a cold start — when there is no file yet, or when the file cannot be
    /// read: a corrupt, truncated, garbage, foreign or newer-schema file is logged and moved
    /// aside (`FILE.corrupt-<time>`); a file that cannot be opened for another reason
    /// (permissions, a directory at the path) is logged and left alone. Never throws.
    /// Resources `shouldSave` rejects are not returned and leave the file at the next save.
    public func load() -> [RestoredResource] {
        let start = ContinuousClock.now
        discardFile()
        let path = configuration.path
        guard SnapshotFiles.exists(path) else {
            logger.info("no snapshot file yet; starting cold")
            return []
        }
        var opened: SnapshotFile?
        do {
            let file = try SnapshotFile(
                path: path, create: false, maxBytes: configuration.maxFileBytes,
                createdAt: configuration.now().timeIntervalSince1970)
            opened = file
            let result = try SnapshotReader(connection: file.connection, shouldLoad: configuration.shouldSave).read()
            self.file = file
            saved = result.saved
            pendingPurges = result.purges
            baselineSnapshotID = file.snapshotID

            var report = result.report
            report.duration = ContinuousClock.now - start
            statisticsValue.loads += 1
            statisticsValue.lastLoad = report
            recordFileSize()
            let now = configuration.now()
            let oldest = result.restored.map(\.savedAt).min()
            let stale = result.restored.filter { $0.isStale(maxAge: configuration.maxAge, now: now) }
            logger.info("loaded snapshot", metadata: [
                "resources": "\(report.resources)", "objects": "\(report.objects)", "duration": "\(report.duration)",
                "excluded": "\(result.purges.count)",
                "age": "\(oldest.map { RestoredResource.describeAge(since: $0, now: now) } ?? "-")",
            ])
            if !stale.isEmpty {
                logger.warning("snapshot data is older than the maximum age", metadata: [
                    "resources": "\(stale.map(\.groupVersionResource.groupResource).joined(separator: ","))",
                    "maxAge": "\(configuration.maxAge)",
                ])
            }
            return result.restored
        } catch {
            opened?.close()
            if SnapshotError.isUnreadableFile(error) {
                moveAside(because: error, while: "loading")
            } else {
                discardFile()
                logger.error("could not read the snapshot file; starting cold", metadata: ["error": "\(error)"])
            }
            return []
        }
    }
}

extension RestoredResource {
    /// `12s`, `5m3s`: an age for log lines.
    static func describeAge(since date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        return seconds < 60 ? "\(seconds)s" : "\(seconds / 60)m\(seconds % 60)s"
    }
}
