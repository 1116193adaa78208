import Foundation

/// An open snapshot file: its SQLite connection, which file it opened, and the statements
/// every save reuses.
///
/// Opening validates the file: it must be empty (the schema is then created) or a kcache
/// snapshot of this schema version; anything else throws (`SnapshotError`, or a corruption
/// `SQLiteError` for a file that is not a database at all). Owned and used by the snapshot
/// store only, on its executor.
final class SnapshotFile {
    let connection: SQLiteConnection
    let path: String
    /// The file the path named at open; nil if it could not be read.
    let identity: FileIdentity?
    /// The file's `meta.snapshot_id`, unique to it.
    let snapshotID: String
    /// Prepared at the first save, then reused.
    private var prepared: Statements?

    /// The statements of a save, prepared once (`SQLITE_PREPARE_PERSISTENT`).
    struct Statements {
        /// (gvr, api_resource, rv, oldest_resumable, saved_at, object_count, event_count,
        /// field_paths, metadata_version) → id
        let upsertResource: SQLiteStatement
        /// (resource, key, rv, bytes, metadata)
        let upsertObject: SQLiteStatement
        /// (resource, key)
        let deleteObject: SQLiteStatement
        /// (resource, seq, type, rv, object, previous)
        let insertEvent: SQLiteStatement
        /// (resource, seq): events of the resource before seq
        let deleteEventsBefore: SQLiteStatement
        /// (resource)
        let deleteEvents: SQLiteStatement
        let deleteObjects: SQLiteStatement
        let deleteResource: SQLiteStatement
    }

    /// Opens the snapshot at `path`, creating it (mode 0600) when `create` is set.
    init(path: String, create: Bool, maxBytes: Int?, createdAt: Double) throws {
        try SnapshotFiles.ensurePrivateFile(path, create: create)
        self.path = path
        connection = try SQLiteConnection(path: path, create: false)
        try SnapshotSchema.configure(connection)
        switch try SnapshotSchema.inspect(connection) {
        case .empty:
            try SnapshotSchema.create(connection, createdAt: createdAt, snapshotID: UUID().uuidString)
        case .current: break
        case .otherVersion(let version):
            throw SnapshotError.unsupportedVersion(found: version, supported: SnapshotSchema.version)
        case .foreign: throw SnapshotError.foreignFile
        }
        if let maxBytes {
            let pageSize = try connection.integer("PRAGMA page_size") ?? Int64(SnapshotSchema.pageSize)
            try connection.execute("PRAGMA max_page_count = \(max(1, Int64(maxBytes) / pageSize))")
        }
        snapshotID = try SnapshotSchema.snapshotID(connection)
        identity = SnapshotFiles.identity(of: path)
    }

    func close() {
        prepared = nil
        connection.close()
    }

    var statements: Statements {
        get throws(SQLiteError) {
            if let prepared { return prepared }
            let statements = Statements(
                upsertResource: try connection.prepare("""
                    INSERT INTO resources(gvr, api_resource, resource_version, oldest_resumable, saved_at,
                                          object_count, event_count, field_paths, metadata_version)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                    ON CONFLICT(gvr) DO UPDATE SET
                        api_resource = excluded.api_resource, resource_version = excluded.resource_version,
                        oldest_resumable = excluded.oldest_resumable, saved_at = excluded.saved_at,
                        object_count = excluded.object_count, event_count = excluded.event_count,
                        field_paths = excluded.field_paths, metadata_version = excluded.metadata_version
                    RETURNING id
                    """),
                upsertObject: try connection.prepare("""
                    INSERT INTO objects(resource, key, rv, bytes, metadata) VALUES (?1, ?2, ?3, ?4, ?5)
                    ON CONFLICT(resource, key) DO UPDATE SET
                        rv = excluded.rv, bytes = excluded.bytes, metadata = excluded.metadata
                    """),
                deleteObject: try connection.prepare("DELETE FROM objects WHERE resource = ?1 AND key = ?2"),
                insertEvent: try connection.prepare("""
                    INSERT OR REPLACE INTO events(resource, seq, type, rv, object, previous)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                    """),
                deleteEventsBefore: try connection.prepare("DELETE FROM events WHERE resource = ?1 AND seq < ?2"),
                deleteEvents: try connection.prepare("DELETE FROM events WHERE resource = ?1"),
                deleteObjects: try connection.prepare("DELETE FROM objects WHERE resource = ?1"),
                deleteResource: try connection.prepare("DELETE FROM resources WHERE id = ?1"))
            prepared = statements
            return statements
        }
    }

    // MARK: Transactions

    func begin() throws(SQLiteError) { try connection.execute("BEGIN IMMEDIATE") }

    func commit() throws(SQLiteError) { try connection.execute("COMMIT") }

    /// Rolls back an open transaction; true when the file is back at its last commit.
    @discardableResult
    func rollback() -> Bool {
        guard connection.isInTransaction else { return true }
        return (try? connection.execute("ROLLBACK")) != nil
    }

    /// Copies the WAL into the database and truncates it, so the file alone holds the
    /// snapshot and the WAL does not grow across saves.
    func checkpoint() throws(SQLiteError) {
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Removes every resource, object and event (before rewriting a file whose contents are
    /// not known).
    func deleteEverything() throws(SQLiteError) {
        try connection.execute("DELETE FROM events; DELETE FROM objects; DELETE FROM resources;")
    }

    /// Removes one resource with its objects and events.
    func deleteResource(id: Int64) throws(SQLiteError) {
        let statements = try statements
        for statement in [statements.deleteEvents, statements.deleteObjects, statements.deleteResource] {
            try statement.bind(id, at: 1)
            try statement.run()
        }
    }
}
