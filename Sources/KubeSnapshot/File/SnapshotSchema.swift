/// The layout of a snapshot file, and how to recognise one.
///
/// ```
/// meta(key, value)                       schema_version, created_at, created_by, snapshot_id
/// resources(id, gvr UNIQUE, api_resource JSON, resource_version, oldest_resumable,
///           saved_at, object_count, event_count, field_paths, metadata_version)
/// objects(resource → resources.id, key, rv, bytes BLOB, metadata BLOB)   UNIQUE(resource, key)
/// events(resource, seq, type, rv, object BLOB, previous BLOB NULL)   PRIMARY KEY(resource, seq)
/// ```
/// `objects` is a rowid table with a unique index rather than `WITHOUT ROWID`: rows are whole
/// objects (kilobytes), which SQLite stores best in table leaves, and a load reads the table
/// in one sequential scan. Keys are storage keys (`namespace/name`), whose byte order
/// (SQLite's BINARY collation) is the cache's order. RVs are stored as the bit pattern of
/// their `UInt64` in SQLite's signed 64-bit integers. `objects.metadata` is what
/// `CachedObject(json:resource:)` extracted (`ObjectMetadataCodec`), valid while the row's
/// `metadata_version` and `field_paths` (newline-separated) match the running code.
///
/// A file is ours when `PRAGMA application_id` is `applicationID`; `PRAGMA user_version` is
/// the schema version (also in `meta`). A newer version than `version` is never read: it is
/// moved aside, as a corrupt file is, and kcache starts cold.
enum SnapshotSchema {
    /// The schema this code reads and writes.
    static let version: Int64 = 1
    /// "kcch": marks a SQLite file as a kcache snapshot.
    static let applicationID: Int64 = 0x6B63_6368
    /// 16 KiB pages hold typical objects (2–10 KiB) without overflow pages and halve the page
    /// count of a large snapshot compared with 4 KiB; only applies to a new file.
    static let pageSize = 16384

    /// What an opened file turned out to be.
    enum Contents: Equatable {
        /// A new or empty file: the schema must be created.
        case empty
        /// A snapshot of this schema version.
        case current
        /// A kcache snapshot of another schema version.
        case otherVersion(Int64)
        /// A SQLite database that is not a kcache snapshot.
        case foreign
    }

    /// Per-connection settings, run right after open. Exclusive locking keeps a second kcache
    /// from writing the same file and lets WAL work without a shared-memory file; checkpoints
    /// are explicit (after every save); the page cache is bounded (8 MiB) so a large save
    /// spills to the WAL instead of growing memory.
    static func configure(_ connection: SQLiteConnection) throws(SQLiteError) {
        try connection.execute("""
            PRAGMA locking_mode = EXCLUSIVE;
            PRAGMA page_size = \(pageSize);
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA wal_autocheckpoint = 0;
            PRAGMA cache_size = -8192;
            """)
    }

    static func inspect(_ connection: SQLiteConnection) throws(SQLiteError) -> Contents {
        let application = try connection.integer("PRAGMA application_id") ?? 0
        let userVersion = try connection.integer("PRAGMA user_version") ?? 0
        let objects = try connection.integer("SELECT count(*) FROM sqlite_schema") ?? 0
        if application == 0 && userVersion == 0 && objects == 0 { return .empty }
        guard application == applicationID else { return .foreign }
        return userVersion == version ? .current : .otherVersion(userVersion)
    }

    /// The file's `snapshot_id`.
    static func snapshotID(_ connection: SQLiteConnection) throws -> String {
        let statement = try connection.prepare("SELECT value FROM meta WHERE key = 'snapshot_id'")
        guard try statement.step() else { throw SnapshotError.malformed("meta has no snapshot_id") }
        return statement.text(at: 0)
    }

    /// Creates the tables in an empty file, in one transaction.
    /// `snapshotID` names this file for good (a UUID): the store's baseline records which file
    /// it describes by it, so a file replaced under kcache is never mistaken for the one it
    /// wrote (an inode number may be reused).
    static func create(_ connection: SQLiteConnection, createdAt: Double, snapshotID: String) throws(SQLiteError) {
        try connection.execute("""
            BEGIN IMMEDIATE;
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE resources(
                id INTEGER PRIMARY KEY,
                gvr TEXT NOT NULL UNIQUE,
                api_resource TEXT NOT NULL,
                resource_version INTEGER NOT NULL,
                oldest_resumable INTEGER NOT NULL,
                saved_at REAL NOT NULL,
                object_count INTEGER NOT NULL,
                event_count INTEGER NOT NULL,
                field_paths TEXT NOT NULL,
                metadata_version INTEGER NOT NULL);
            CREATE TABLE objects(
                resource INTEGER NOT NULL,
                key TEXT NOT NULL,
                rv INTEGER NOT NULL,
                bytes BLOB NOT NULL,
                metadata BLOB NOT NULL);
            CREATE UNIQUE INDEX objects_by_key ON objects(resource, key);
            CREATE TABLE events(
                resource INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                type TEXT NOT NULL,
                rv INTEGER NOT NULL,
                object BLOB NOT NULL,
                previous BLOB,
                PRIMARY KEY(resource, seq));
            INSERT INTO meta(key, value) VALUES
                ('schema_version', '\(version)'),
                ('created_at', '\(createdAt)'),
                ('created_by', 'kcache'),
                ('snapshot_id', '\(snapshotID)');
            PRAGMA application_id = \(applicationID);
            PRAGMA user_version = \(version);
            COMMIT;
            """)
    }
}
