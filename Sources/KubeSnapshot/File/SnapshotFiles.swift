#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The file-system side of a snapshot: private creation, identity, size, moving aside.
/// Stateless functions on paths, safe from any thread.
enum SnapshotFiles {
    /// Companion files SQLite keeps beside the database.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Makes sure a regular file exists at `path` readable by its owner only (0600),
    /// tightening the mode of an existing one. SQLite gives its WAL the database's mode.
    static func ensurePrivateFile(_ path: String, create: Bool) throws(SnapshotError) {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else { throw .system(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(operation: "stat", path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .system(operation: "open", path: path, errno: EISDIR) }
        if info.st_mode & 0o077 != 0, fchmod(descriptor, 0o600) != 0 {
            throw .system(operation: "chmod", path: path, errno: errno)
        }
    }

    /// Device and inode of the file at `path`: a save reopens the file when they change
    /// (the file was deleted or replaced while kcache ran).
    static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Bytes of the database and its WAL.
    static func size(of path: String) -> Int {
        ([""] + companionSuffixes).reduce(0) { total, suffix in
            var info = stat()
            return total + (stat(path + suffix, &info) == 0 ? Int(info.st_size) : 0)
        }
    }

    /// Renames `path` (and its companions) to `path.corrupt-<UTC time>`; returns the new path.
    static func moveAside(_ path: String, now: Date) throws(SnapshotError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var target = "\(path).corrupt-\(formatter.string(from: now))"
        var attempt = 1
        while exists(target) {
            attempt += 1
            target = "\(path).corrupt-\(formatter.string(from: now))-\(attempt)"
        }
        guard rename(path, target) == 0 else { throw .system(operation: "rename", path: path, errno: errno) }
        for suffix in companionSuffixes where exists(path + suffix) {
            _ = rename(path + suffix, target + suffix)
        }
        return target
    }
}

/// Which file a path named when it was opened.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}
