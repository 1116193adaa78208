import Foundation
import KubeAPI
import Metrics

extension SnapshotStore {
    /// What `--snapshot FILE` and its companion flags configure.
    public struct Configuration: Sendable {
        /// The snapshot file (`--snapshot`). Its directory must exist; the file is created
        /// mode 0600 at the first save.
        public var path: String
        /// How often `runPeriodicSaves` saves (`--snapshot-interval`).
        public var interval: Duration = .seconds(30)
        /// Most history events saved per resource for watch resume across a restart. Clients
        /// resume from an RV at most a few seconds older than the restart, so a short tail
        /// suffices; it is rewritten incrementally, so its size costs nothing while idle.
        public var historyEvents = 1000
        /// Most bytes of history events (objects and previous states) saved per resource.
        public var historyBytes = 16 << 20
        /// Which resources may be written. The default writes everything but Secrets; build
        /// one from `--exclude` and `--snapshot-secrets` with `resourceFilter(excluding:includeSecrets:)`.
        /// Resources it rejects are never written, are skipped on load, and are removed from
        /// the file at the next save.
        public var shouldSave: @Sendable (GroupVersionResource) -> Bool = Configuration.resourceFilter()
        /// How old restored data may be before the proxy refuses it (`--snapshot-max-age`);
        /// see `RestoredResource.isStale(maxAge:now:)`. Loading itself never refuses data.
        public var maxAge: Duration = .seconds(3600)
        /// Largest the file may grow, in bytes (nil: no limit). A save that would exceed it
        /// fails as on a full disk (`SQLITE_FULL`), is counted, and is retried next time.
        public var maxFileBytes: Int?
        /// Where the `kcache_snapshot_*` metrics go; nil uses the global `MetricsSystem`.
        public var metricsFactory: (any MetricsFactory)?
        /// The wall clock of `savedAt` and of moved-aside file names; injectable for tests.
        public var now: @Sendable () -> Date = { Date() }

        // MARK: Test hooks

        /// Called inside every save's transaction after all its writes, before COMMIT. A test
        /// may copy the files there to see what a crash would leave, or throw to make the
        /// save fail: the transaction is then rolled back and the save counted as failed.
        public var onSaveInProgress: (@Sendable () throws -> Void)?
        /// When set, every save creates this file while its transaction is open and waits
        /// `savePause` before committing, so a process-level test can `kill -9` mid-save.
        /// Defaults to `$KCACHE_TEST_SAVE_PAUSE_FILE`.
        public var savePauseFile: String? = ProcessInfo.processInfo.environment["KCACHE_TEST_SAVE_PAUSE_FILE"]
        public var savePause: Duration = .milliseconds(200)

        public init(path: String) {
            self.path = path
        }

        /// The filter for `shouldSave`: Secrets only when `includeSecrets` (`--snapshot-secrets`),
        /// and nothing named in `excluding` (`--exclude`: `resource` or `resource.group`).
        public static func resourceFilter(
            excluding excluded: Set<String> = [], includeSecrets: Bool = false
        ) -> @Sendable (GroupVersionResource) -> Bool {
            { resource in
                if resource.group.isEmpty && resource.resource == "secrets" { return includeSecrets }
                return !excluded.contains(resource.groupResource) && !excluded.contains(resource.resource)
            }
        }
    }
}
