import Synchronization

/// The ground truth of a randomized fault run: the configmaps KubeSim held when kcache
/// started, and every write the test made since, in resourceVersion order. The test is
/// KubeSim's only writer, so the log is exactly KubeSim's history for configmaps.
///
/// From it, `state(at:)` rebuilds what a LIST at any RV must hold, and `knows`/`deletion`
/// tell whether a watch event describes something KubeSim really did. Thread-safe: the test
/// appends from one task, informers and checks read from others.
final class WriteLog: Sendable {
    /// One object state: which object (UID) and which version of it.
    struct Version: Hashable, Sendable, CustomStringConvertible {
        var uid: String
        var resourceVersion: UInt64
        var description: String { "\(uid.prefix(8))@\(resourceVersion)" }
    }

    /// One write: `ADDED`, `MODIFIED` or `DELETED` of `key` (`namespace/name`).
    struct Entry: Sendable, CustomStringConvertible {
        var type: String
        var key: String
        var version: Version
        var description: String { "\(type) \(key) \(version)" }
    }

    private struct State {
        var initial: [String: Version] = [:]
        var initialResourceVersion: UInt64 = 0
        var entries: [Entry] = []
        /// Entries by `key@rv`, for event checks.
        var byKeyAndVersion: [String: Entry] = [:]
        /// RV of each deleted UID's deletion.
        var deletions: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    /// Records the objects present at `resourceVersion`, before any logged write.
    func setInitial(_ objects: [String: Version], at resourceVersion: UInt64) {
        state.withLock { state in
            state.initial = objects
            state.initialResourceVersion = resourceVersion
        }
    }

    func append(_ entry: Entry) {
        state.withLock { state in
            precondition(entry.version.resourceVersion > (state.entries.last?.version.resourceVersion ?? state.initialResourceVersion),
                         "writes are logged in RV order")
            state.entries.append(entry)
            state.byKeyAndVersion["\(entry.key)@\(entry.version.resourceVersion)"] = entry
            if entry.type == "DELETED" { state.deletions[entry.version.uid] = entry.version.resourceVersion }
        }
    }

    /// The objects at `resourceVersion` (everything at or before it applied), optionally of
    /// one namespace.
    func state(at resourceVersion: UInt64, namespace: String? = nil) -> [String: Version] {
        state.withLock { state in
            var objects = state.initial
            for entry in state.entries where entry.version.resourceVersion <= resourceVersion {
                if entry.type == "DELETED" { objects[entry.key] = nil } else { objects[entry.key] = entry.version }
            }
            guard let namespace else { return objects }
            return objects.filter { $0.key.hasPrefix(namespace + "/") }
        }
    }

    /// The objects now.
    func current(namespace: String? = nil) -> [String: Version] {
        state(at: .max, namespace: namespace)
    }

    /// The RV of the last write (or of the initial state).
    var lastResourceVersion: UInt64 {
        state.withLock { $0.entries.last?.version.resourceVersion ?? $0.initialResourceVersion }
    }

    var initialResourceVersion: UInt64 { state.withLock { $0.initialResourceVersion } }

    /// Whether `version` of `key` is a state KubeSim really stored (a logged create or update,
    /// or an initial object).
    func knows(_ key: String, _ version: Version) -> Bool {
        state.withLock { state in
            if state.initial[key] == version { return true }
            guard let entry = state.byKeyAndVersion["\(key)@\(version.resourceVersion)"] else { return false }
            return entry.type != "DELETED" && entry.version.uid == version.uid
        }
    }

    /// The RV at which the object with `uid` was deleted, if it was.
    func deletion(of uid: String) -> UInt64? {
        state.withLock { $0.deletions[uid] }
    }

    /// Writes in `(after, through]`, for failure reports.
    func entries(after: UInt64, through: UInt64) -> [Entry] {
        state.withLock { state in
            state.entries.filter { $0.version.resourceVersion > after && $0.version.resourceVersion <= through }
        }
    }
}
