import CSQLite

/// A thin owner of one `sqlite3` connection: open, execute, prepare, close, with errors that
/// carry SQLite's own messages.
///
/// Confined: one connection is used by one thread at a time (the snapshot store's executor),
/// so it is opened in SQLite's multi-thread mode (`NOMUTEX`) and is not `Sendable`.
/// Statements prepared from it must not outlive it; `close()` (or deinit) closes it lazily
/// (`sqlite3_close_v2`), so a statement still alive keeps the handle until it is finalized.
final class SQLiteConnection {
    private(set) var handle: OpaquePointer?
    let path: String

    /// Opens (creating when `create` is set) the database at `path`.
    init(path: String, create: Bool) throws(SQLiteError) {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_close_v2(handle)
            throw SQLiteError(code: result, message: message, context: "open \(path)")
        }
        sqlite3_extended_result_codes(handle, 1)
        self.handle = handle
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func close() {
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// Runs one or more statements that return no rows we need.
    func execute(_ sql: String) throws(SQLiteError) {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw error(result, sql) }
    }

    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw error(result, sql) }
        return SQLiteStatement(statement, connection: self, sql: sql)
    }

    /// The integer a one-row, one-column query answers (`PRAGMA user_version`).
    func integer(_ sql: String) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.int64(at: 0)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// True while a transaction is open (not in autocommit mode).
    var isInTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// The error for result `code`, with the connection's current message.
    func error(_ code: Int32, _ context: String) -> SQLiteError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
        return SQLiteError(code: extended == 0 ? code : extended, message: message, context: Self.summary(of: context))
    }

    /// `sql` as an error names it: on one line, and only its first statement (the settings
    /// run at open are six PRAGMAs; a log line should say which step failed, not list them).
    static func summary(of sql: String) -> String {
        let line = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let end = line.firstIndex(of: ";"), line.index(after: end) < line.endIndex else { return line }
        return line[...end] + " …"
    }
}
