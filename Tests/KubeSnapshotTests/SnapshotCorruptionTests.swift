import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("Unreadable snapshot files")
struct SnapshotCorruptionTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case garbage, truncated, newerSchema, foreignDatabase, wrongCounts

        var testDescription: String { rawValue }
    }

    @Test("an unreadable file is moved aside with a clear log line, and kcache starts cold", arguments: Damage.allCases)
    func movedAside(damage: Damage) async throws {
        let directory = TemporaryDirectory()
        let path = directory.file()
        try await writeSnapshot(path)
        try apply(damage, to: path)
        let damaged = try #require(FileManager.default.contents(atPath: path))

        let logs = CapturedLogs()
        let store = makeStore(path, logs: logs)
        #expect(await store.load().isEmpty)
        #expect(await store.statistics.filesMovedAside == 1)

        let line = try #require(logs.lines.first { $0.level == .error })
        #expect(line.message == "snapshot file is unreadable; moved it aside and starting cold")
        let movedTo = try #require(line.metadata["movedTo"])
        #expect(movedTo.hasPrefix(path + ".corrupt-"))
        #expect(FileManager.default.contents(atPath: movedTo) == damaged)
        #expect(!FileManager.default.fileExists(atPath: path))
        let expectedReason = switch damage {
        case .garbage: "file is not a database"
        case .truncated: "malformed"
        case .newerSchema: "schema version 99 is not the version this kcache reads (1)"
        case .foreignDatabase: "not a kcache snapshot"
        case .wrongCounts: "objects, the row says"
        }
        #expect(line.metadata["error"]?.contains(expectedReason) == true, "\(line.metadata)")

        // The next save starts a new file, which loads.
        #expect(await store.save([Fixtures.cache(Fixtures.configMaps, names: ["fresh"])]) != nil)
        await store.close()
        #expect(await loadCaches(path)[Fixtures.configMaps.groupVersionResource]?.contents.keys.sorted() == ["default/fresh"])
    }

    @Test("an empty file is a new snapshot, not a corrupt one")
    func emptyFile() async throws {
        let directory = TemporaryDirectory()
        #expect(FileManager.default.createFile(atPath: directory.file(), contents: Data()))
        let store = makeStore(directory.file())
        #expect(await store.load().isEmpty)
        #expect(await store.statistics.filesMovedAside == 0)
        #expect(await store.save([Fixtures.cache(Fixtures.configMaps, names: ["a"])]) != nil)
        #expect(directory.entries == ["snapshot.db", "snapshot.db-wal"])
    }

    @Test("a directory at the path is logged and left alone; saves fail and are counted")
    func directoryAtPath() async throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file(), withIntermediateDirectories: false)
        let logs = CapturedLogs()
        let store = makeStore(directory.file(), logs: logs)
        #expect(await store.load().isEmpty)
        #expect(await store.statistics.filesMovedAside == 0)
        #expect(logs.lines.contains { $0.level == .error && $0.message == "could not read the snapshot file; starting cold" })
        #expect(await store.save([Fixtures.cache(Fixtures.configMaps, names: ["a"])]) == nil)
        #expect(await store.statistics.saveFailures == 1)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.file(), isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("a file another kcache holds open is left alone: a cold start, and saves fail until it lets go")
    func lockedByAnother() async throws {
        let directory = TemporaryDirectory()
        let owner = makeStore(directory.file())
        let cache = Fixtures.cache(Fixtures.configMaps, names: ["a"])
        #expect(await owner.save([cache]) != nil)

        let logs = CapturedLogs()
        let second = makeStore(directory.file(), logs: logs)
        #expect(await second.load().isEmpty)
        #expect(await second.statistics.filesMovedAside == 0)
        #expect(logs.lines.contains { $0.level == .error && $0.metadata["error"]?.contains("locked") == true })
        #expect(await second.save([cache]) == nil)
        #expect(directory.entries == ["snapshot.db", "snapshot.db-wal"])

        await owner.close()
        #expect(await second.load().count == 1)
    }

    /// A valid snapshot big enough to span many pages.
    private func writeSnapshot(_ path: String) async throws {
        let cache = Fixtures.cache(Fixtures.configMaps, names: (0..<300).map { "cm-\($0)" })
        for index in 0..<300 {
            cache.apply(.modified, name: "cm-\(index)", rv: UInt64(101 + index), data: String(repeating: "d", count: 1000))
        }
        let store = makeStore(path)
        #expect(await store.save([cache]) != nil)
        await store.close()
    }

    private func apply(_ damage: Damage, to path: String) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        switch damage {
        case .garbage:
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        case .truncated:
            let size = try handle.seekToEnd()
            try handle.truncate(atOffset: size / 2)
        case .newerSchema:
            try handle.seek(toOffset: 60)  // user_version
            try handle.write(contentsOf: Data([0, 0, 0, 99]))
        case .foreignDatabase:
            try handle.seek(toOffset: 68)  // application_id
            try handle.write(contentsOf: Data([0, 0, 0, 0]))
        case .wrongCounts:
            // A row of the objects table missing: the resource's row says 300 objects.
            let connection = try SQLiteConnection(path: path, create: false)
            try connection.execute("DELETE FROM objects WHERE rowid = (SELECT min(rowid) FROM objects)")
            connection.close()
        }
    }
}
