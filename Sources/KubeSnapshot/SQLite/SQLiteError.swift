import CSQLite

/// An error reported by SQLite: its extended result code, its message, and what kcache was
/// doing when it happened.
///
/// `isCorruption` sorts errors by what to do next: a file SQLite cannot read as a database
/// (garbage, truncated, malformed pages) is moved aside and kcache starts cold; anything else
/// (busy, I/O, permissions, disk full) leaves the file alone and is retried by the next save.
struct SQLiteError: Error, CustomStringConvertible {
    /// The extended result code (`SQLITE_IOERR_SHORT_READ`, …); `code & 0xff` is the primary.
    let code: Int32
    let message: String
    /// What was being done: the statement or the step (`"open"`, `"BEGIN IMMEDIATE"`).
    let context: String

    var primaryCode: Int32 { code & 0xff }

    /// True when the file itself is unreadable as a database.
    var isCorruption: Bool {
        primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB || primaryCode == SQLITE_FORMAT
    }

    var description: String { "\(context): \(message) (SQLite code \(code))" }
}
