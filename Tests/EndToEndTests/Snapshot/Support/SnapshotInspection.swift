import Foundation
import KubeAPI
import KubeCache
import KubeSnapshot
import Logging

/// What a snapshot file holds, read the way a restarting kcache reads it (`SnapshotStore.load`)
/// but from a copy, so the file a test's next kcache opens is left exactly as the last process
/// left it (a `kill -9` leaves its WAL beside it; the copy takes that too).
///
/// Every resource in the file is read (none is filtered out), so a test sees what was written,
/// Secrets included.
struct SnapshotInspection {
    /// One resource as the file holds it.
    struct Resource: Sendable {
        var resourceVersion: UInt64
        var savedAt: Date
        /// `namespace/name` → the object's `metadata.resourceVersion`.
        var objects: [String: String]
        /// Objects whose bytes are not a JSON object with metadata, kind and apiVersion.
        var unparsable: [String]
        /// Objects whose RV is above the resource's.
        var aheadOfResource: [String]
        /// The saved event tail's RVs, oldest first.
        var eventResourceVersions: [UInt64]
    }

    /// By `resource.group` spelling (`configmaps`, `deployments.apps`).
    var resources: [String: Resource]
    /// True when the load found the file unreadable (and moved the copy aside).
    var wasUnreadable: Bool

    /// Loads a copy of the snapshot at `path` (with its `-wal`), then deletes the copy.
    static func load(copyOf path: String) async throws -> SnapshotInspection {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-inspect-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let copy = directory + "/snapshot"
        for suffix in ["", "-wal", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
        }
        var configuration = SnapshotStore.Configuration(path: copy)
        configuration.shouldSave = { _ in true }
        configuration.savePauseFile = nil
        var logger = Logger(label: "kcache.e2e.inspect")
        logger.logLevel = .critical
        let store = SnapshotStore(configuration: configuration, logger: logger)
        let restored = await store.load()
        let statistics = await store.statistics
        await store.close()

        var resources: [String: Resource] = [:]
        for resource in restored {
            var objects: [String: String] = [:]
            var unparsable: [String] = []
            var ahead: [String] = []
            for object in resource.objects {
                let key = object.key.storageKey
                objects[key] = String(object.resourceVersion.value)
                let json = (try? JSONSerialization.jsonObject(with: Data(object.bytes))) as? [String: Any]
                let metadata = json?["metadata"] as? [String: Any]
                if json?["kind"] == nil || json?["apiVersion"] == nil
                    || metadata?["resourceVersion"] as? String != String(object.resourceVersion.value) {
                    unparsable.append(key)
                }
                if object.resourceVersion > resource.resourceVersion { ahead.append(key) }
            }
            resources[resource.groupVersionResource.groupResource] = Resource(
                resourceVersion: resource.resourceVersion.value, savedAt: resource.savedAt, objects: objects,
                unparsable: unparsable, aheadOfResource: ahead,
                eventResourceVersions: resource.history.map(\.object.resourceVersion.value))
        }
        return SnapshotInspection(resources: resources, wasUnreadable: statistics.filesMovedAside > 0)
    }

    /// True when `text` occurs anywhere in the file or its WAL, in any page, live or free.
    static func rawFile(at path: String, contains text: String) -> Bool {
        let needle = Data(text.utf8)
        return ["", "-wal", "-journal"].contains { suffix in
            guard let data = FileManager.default.contents(atPath: path + suffix) else { return false }
            return data.range(of: needle) != nil
        }
    }
}
