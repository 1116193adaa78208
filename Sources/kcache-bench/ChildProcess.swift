#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A program the benchmark runs beside itself (kcache, nginx, wrk, kubectl proxy), started with
/// `posix_spawn` in a process group of its own, with standard output and error going to a log
/// file in the run's work directory.
///
/// Children get an empty signal mask and default handlers: a process spawned from one of
/// Swift's or Dispatch's threads would otherwise inherit a mask that blocks `SIGTERM`, and
/// kcache's graceful shutdown (which saves the snapshot) would never run. Every child is
/// recorded in `ChildRegistry`, which kills the whole group on exit, on error and on a fatal
/// signal, so no nginx worker or kcache outlives the benchmark.
///
/// Thread-safe; `stop` and `kill` may be called more than once.
final class ChildProcess: Sendable {
    let name: String
    let pid: pid_t
    /// Standard output and error, interleaved.
    let logPath: String
    let startedAt: ContinuousClock.Instant
    /// The exit status once reaped; guarded by the mutex (waitpid may only succeed once).
    private let status = Mutex<Int32?>(nil)

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    private init(name: String, pid: pid_t, logPath: String, startedAt: ContinuousClock.Instant) {
        self.name = name
        self.pid = pid
        self.logPath = logPath
        self.startedAt = startedAt
    }

    /// Starts `executable` (a path) with `arguments`; `logPath` receives its output.
    static func spawn(name: String, executable: String, arguments: [String], logPath: String) throws -> ChildProcess {
        ChildRegistry.installHandlers()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        // Registered under the lock so a signal arriving now still finds the child.
        let startedAt = ContinuousClock.now
        let result = ChildRegistry.registering { () -> Int32 in
            let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            return result == 0 ? pid : -result
        }
        guard result > 0 else {
            throw SpawnError(description: "could not start \(executable): \(String(cString: strerror(-result)))")
        }
        return ChildProcess(name: name, pid: pid, logPath: logPath, startedAt: startedAt)
    }

    /// Whether the process has not exited yet (reaps it when it has).
    var isRunning: Bool { reap(blocking: false) == nil }

    /// The exit status (`WEXITSTATUS`, or 128+signal), nil while running.
    var exitStatus: Int32? { reap(blocking: false) }

    /// What the process has printed so far.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines of the log, for error messages.
    func logTail(_ lines: Int = 15) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Polls the log until `extract` returns a value; throws if the process exits first or
    /// `timeout` passes.
    func waitForLog<T>(_ what: String, timeout: Duration = .seconds(30), pollInterval: Duration = .milliseconds(2),
                       _ extract: (String) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = extract(log) { return value }
            if let status = exitStatus {
                throw SpawnError(description: "\(name) exited (status \(status)) before \(what); log:\n\(logTail())")
            }
            if ContinuousClock.now >= deadline {
                throw SpawnError(description: "\(name): timed out after \(timeout) waiting for \(what); log:\n\(logTail())")
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Waits for the process to exit by itself; kills it after `timeout`. Returns its status.
    @discardableResult
    func waitForExit(timeout: Duration) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return await stop(signal: SIGKILL)
    }

    /// Sends `signal` to the process group, waits up to `grace` for the exit, then kills the
    /// group. Returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) async -> Int32 {
        if let status = exitStatus {
            ChildRegistry.forget(pid)
            return status
        }
        Glibc.kill(-pid, signal)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if let status = exitStatus {
                // Whatever the leader left behind in its group (nginx workers) goes too.
                Glibc.kill(-pid, SIGKILL)
                ChildRegistry.forget(pid)
                return status
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        Glibc.kill(-pid, SIGKILL)
        let status = reap(blocking: true) ?? -1
        ChildRegistry.forget(pid)
        return status
    }

    private func reap(blocking: Bool) -> Int32? {
        status.withLock { status -> Int32? in
            if let status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            guard result == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG by hand: the macros are not imported.
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return status
        }
    }
}
