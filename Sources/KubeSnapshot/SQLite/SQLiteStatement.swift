import CSQLite

/// A prepared statement, reused across rows: bind, `step()` until it answers false, `reset()`.
///
/// Parameters are numbered from 1 and columns from 0, as in SQLite. Text and blobs are bound
/// with `SQLITE_TRANSIENT` (SQLite copies them before `bind` returns), so callers need not
/// keep buffers alive. Confined to its connection's thread; finalized on deinit.
final class SQLiteStatement {
    private let statement: OpaquePointer
    /// Keeps the connection open for as long as the statement lives.
    private let connection: SQLiteConnection
    private let sql: String

    init(_ statement: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.statement = statement
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(statement)
    }

    // MARK: Binding

    func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(statement, index, value))
    }

    func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(statement, index, value))
    }

    func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_text(statement, index, value, -1, csqlite_transient()))
    }

    /// Binds `bytes` as a BLOB (an empty one as a zero-length BLOB, never NULL).
    func bind(blob bytes: ArraySlice<UInt8>, at index: Int32) throws(SQLiteError) {
        let result = bytes.withUnsafeBytes { buffer in
            buffer.isEmpty
                ? sqlite3_bind_zeroblob(statement, index, 0)
                : sqlite3_bind_blob64(statement, index, buffer.baseAddress, sqlite3_uint64(buffer.count), csqlite_transient())
        }
        try check(result)
    }

    func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(statement, index))
    }

    // MARK: Running

    /// Advances: true when a row is available, false when the statement is done.
    @discardableResult
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            // The statement's error is the connection's; reset so it can run again.
            let error = connection.error(code, sql)
            sqlite3_reset(statement)
            throw error
        }
    }

    /// Makes the statement ready to run again and clears its bindings.
    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws(SQLiteError) {
        defer { reset() }
        try step()
    }

    // MARK: Columns

    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    func double(at column: Int32) -> Double {
        sqlite3_column_double(statement, column)
    }

    func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    func text(at column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column's bytes, copied once into a new array.
    func blob(at column: Int32) -> [UInt8] {
        let pointer = sqlite3_column_blob(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let pointer, count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.update(from: pointer.assumingMemoryBound(to: UInt8.self), count: count)
            initialized = count
        }
    }

    private func check(_ result: Int32) throws(SQLiteError) {
        guard result == SQLITE_OK else { throw connection.error(result, sql) }
    }
}
