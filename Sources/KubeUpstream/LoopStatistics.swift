import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counters about the multi loop that tests (and debugging) read: which OS threads ran libcurl
/// callbacks and how many loop threads were started (both must stay at one per client), and how
/// often uploads paused waiting for their producer.
final class LoopStatistics: Sendable {
    /// Identities of threads that ran a callback; written once per transfer, guarded by the mutex.
    private let callbackThreads = Mutex<Set<UInt>>([])
    /// Loop threads started by this client, guarded by atomicity.
    private let loopThreads = Atomic<Int>(0)

    /// Times a read callback paused an upload for lack of request-body bytes, guarded by atomicity.
    private let uploadPauses = Atomic<Int>(0)

    func recordUploadPause() {
        uploadPauses.wrappingAdd(1, ordering: .relaxed)
    }

    var uploadPauseCount: Int { uploadPauses.load(ordering: .relaxed) }

    func recordCallbackThread() {
        let current = Self.currentThread
        callbackThreads.withLock { _ = $0.insert(current) }
    }

    func recordLoopThreadStarted() {
        loopThreads.wrappingAdd(1, ordering: .relaxed)
    }

    var callbackThreadCount: Int { callbackThreads.withLock { $0.count } }
    var loopThreadsStarted: Int { loopThreads.load(ordering: .relaxed) }

    static var currentThread: UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }
}
