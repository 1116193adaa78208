#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}

/// Small synchronous file helpers whose failures carry the OS's own reason
/// ("No such file or directory", "Permission denied") for configuration errors.
///
/// Used for small files only (tokens, certificates, kubeconfigs): reads are whole-file and
/// capped at `maxBytes`.
enum FileAccess {
    /// A failed read: the OS's reason, without the path (callers add it with context).
    struct Failure: Error, Sendable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    static let maxBytes = 16 << 20

    /// Reads the whole file at `path`.
    static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return result }
            result += buffer[0..<count]
            if result.count > maxBytes { throw Failure(reason: "larger than \(maxBytes) bytes") }
        }
    }

    /// Reads a text file, as for tokens: UTF-8, surrounding whitespace removed.
    static func readTrimmedText(_ path: String) throws(Failure) -> String {
        let bytes = try read(path)
        return String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// A short reason for any error thrown while reading a file.
    static func reason(_ error: any Error) -> String {
        if let failure = error as? Failure { return failure.reason }
        return String(describing: error)
    }

    /// Throws a `ConfigurationError` naming `file`/`key` unless `path` can be read.
    static func checkReadable(_ path: String, file: String?, key: String) throws {
        do {
            _ = try read(path)
        } catch {
            throw ConfigurationError(file: file, key: key, "cannot read \(path) (\(error.reason))")
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
