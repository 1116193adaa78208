import CSpawn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, its standard streams on pipes.
///
/// Used instead of Foundation's `Process`, whose `run()` on Linux lists `/proc/self/fd` by
/// copying each directory entry's full 256-byte name field — reading past short entries, which
/// crashes the process now and then when one ends a page (swift-corelibs-foundation#5472). A
/// proxy holding thousands of sockets makes that likelier, and kcache spawns exec credential
/// plugins while it serves.
///
/// The child gets an empty signal mask and default dispositions for the signals kcache
/// handles (Dispatch and NIO threads block signals, and a child inherits the mask), and
/// optionally a process group of its own. It inherits no descriptor but its three standard
/// streams: NIO's sockets and epoll descriptors are not close-on-exec, and an exec plugin must
/// not hold kcache's listening socket or its clients' connections (glibc ≥ 2.34 closes the
/// rest in the child; the pipe ends are close-on-exec in any case).
public struct Subprocess: Sendable {
    public let pid: pid_t
    /// Write end of the child's standard input (close it to send EOF).
    public let standardInput: Int32
    /// Read ends of the child's standard output and error.
    public let standardOutput: Int32
    public let standardError: Int32

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` (a path) with `arguments`, in `environment` (the current one when
    /// nil) and `currentDirectory` (through `env -C`, as `posix_spawn` cannot change it).
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, newProcessGroup: Bool = false
    ) throws -> Subprocess {
        if let currentDirectory {
            return try spawn("/usr/bin/env", ["-C", currentDirectory, executable] + arguments,
                             environment: environment, newProcessGroup: newProcessGroup)
        }
        let input = try pipe(), output = try pipe(), error = try pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, error.write, 2)
        _ = cspawn_file_actions_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }

        var pid: pid_t = 0
        var result: Int32 = 0
        // `ETXTBSY`: some process holds the executable open for writing — typically a child
        // another thread was starting just as the file was written, which keeps the writer's
        // descriptor until its own exec. It passes; retry for up to about half a second.
        for delay in [0, 2, 4, 8, 16, 32, 64, 128, 256] as [UInt32] {
            if delay > 0 { usleep(delay * 1000) }
            result = envp.map { envp in
                envp.withUnsafeBufferPointer {
                    posix_spawn(&pid, executable, &actions, &attributes, argv, UnsafeMutablePointer(mutating: $0.baseAddress))
                }
            } ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            if result != ETXTBSY { break }
        }
        for descriptor in [input.read, output.write, error.write] { close(descriptor) }
        guard result == 0 else {
            for descriptor in [input.write, output.read, error.read] { close(descriptor) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return Subprocess(pid: pid, standardInput: input.write, standardOutput: output.read, standardError: error.read)
    }

    /// Waits for the child to end: its exit status, or 128 + the signal that ended it.
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Sends `signal` to the child (to its group when it has one of its own and `group`).
    public func kill(_ signal: Int32, group: Bool = false) {
        _ = group ? Glibc.kill(-pid, signal) : Glibc.kill(pid, signal)
    }

    /// Reads `descriptor` to its end (blocking), then closes it.
    public static func readToEnd(_ descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        readChunks(descriptor) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Hands `body` what `descriptor` yields as it arrives, until its end (blocking), then
    /// closes it.
    public static func readChunks(_ descriptor: Int32, _ body: (ArraySlice<UInt8>) -> Void) {
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                body(chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }

    /// Writes all of `bytes` to `descriptor` (blocking); false if the reader went away.
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
            } else if errno != EINTR {
                return false
            }
        }
        return true
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard Glibc.pipe(&descriptors) == 0 else {
            throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }
}
