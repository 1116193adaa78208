import Foundation

/// Why a snapshot file could not be used, besides SQLite's own errors (`SQLiteError`).
///
/// Every case but `system` means the file is not a snapshot this kcache can read: it is moved
/// aside and kcache starts cold. `system` (the path is a directory, permission denied, …)
/// leaves whatever is at the path alone.
enum SnapshotError: Error, CustomStringConvertible {
    /// A SQLite database, but not a kcache snapshot (no or another `application_id`).
    case foreignFile
    /// A kcache snapshot of a schema version this code does not read.
    case unsupportedVersion(found: Int64, supported: Int64)
    /// A kcache snapshot whose contents contradict themselves (counts, unparsable objects).
    case malformed(String)
    /// A file system call failed.
    case system(operation: String, path: String, errno: Int32)

    var description: String {
        switch self {
        case .foreignFile:
            "not a kcache snapshot (unknown application_id)"
        case .unsupportedVersion(let found, let supported):
            "schema version \(found) is not the version this kcache reads (\(supported))"
        case .malformed(let reason):
            "malformed snapshot: \(reason)"
        case .system(let operation, let path, let errno):
            "\(operation) \(path): \(String(cString: strerror(errno)))"
        }
    }

    /// True when the file should be moved aside rather than left in place.
    static func isUnreadableFile(_ error: any Error) -> Bool {
        switch error {
        case let error as SQLiteError: error.isCorruption
        case let error as SnapshotError:
            if case .system = error { false } else { true }
        default: false
        }
    }
}
