#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Every child process still running, so they can be killed however the benchmark ends:
/// normally (`killAll()` from `main`), by `exit()` (an `atexit` hook) or by a signal
/// (`SIGINT`, `SIGTERM`, `SIGHUP`, and the crash signals, whose handlers kill the children's
/// process groups and then re-raise).
///
/// The table is a fixed C array so the signal handler only reads memory and calls `kill`,
/// both async-signal-safe. Writers hold the mutex.
enum ChildRegistry {
    static let capacity = 4096
    nonisolated(unsafe) static let table: UnsafeMutablePointer<pid_t> = {
        let table = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        table.initialize(repeating: 0, count: capacity)
        return table
    }()
    private static let lock = Mutex(false)

    /// Runs `spawn` (which returns the new pid, or ≤ 0 on failure) and records the pid.
    static func registering(_ spawn: () -> pid_t) -> pid_t {
        lock.withLock { _ in
            let pid = spawn()
            if pid > 0, let slot = (0..<capacity).first(where: { table[$0] == 0 }) { table[slot] = pid }
            return pid
        }
    }

    static func forget(_ pid: pid_t) {
        lock.withLock { _ in
            for slot in 0..<capacity where table[slot] == pid { table[slot] = 0 }
        }
    }

    /// Kills every recorded child's process group. Safe in a signal handler.
    static func killAll() {
        for slot in 0..<capacity where table[slot] > 0 {
            Glibc.kill(-table[slot], SIGKILL)
            table[slot] = 0
        }
    }

    /// Installs the exit and signal hooks once.
    static func installHandlers() {
        lock.withLock { installed in
            guard !installed else { return }
            installed = true
            _ = table
            atexit { ChildRegistry.killAll() }
            for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE] {
                Glibc.signal(signal, fatalSignalHandler)
            }
        }
    }
}

/// Kills the children, then lets the signal do what it would have done.
private func fatalSignalHandler(_ signal: Int32) {
    ChildRegistry.killAll()
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}
