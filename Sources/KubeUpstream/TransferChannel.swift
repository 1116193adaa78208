import CCurl
import Synchronization

/// The meeting point of one transfer's two sides: the multi-loop thread (which delivers the
/// response head and body bytes and pulls request-body bytes) and the caller's tasks (which
/// await the head, read the body and write the request body).
///
/// Contract:
/// - Loop-side methods (`deliverHead`, `offerBody`, `readUpload`, `recordFailure`, `complete`,
///   `pauseMask`) are called only on the loop thread, from libcurl callbacks or the loop.
/// - Body back-pressure: `offerBody` accepts bytes while fewer than `limits.highWater` are
///   buffered; otherwise it answers `.pause` (the write callback returns CURL_WRITEFUNC_PAUSE
///   and libcurl keeps the bytes). When the reader drains to `limits.lowWater` or less it asks
///   the loop to resume. Buffered bytes therefore never exceed `highWater` plus one callback's
///   worth (CURL_MAX_WRITE_SIZE, 16 KiB).
/// - Upload back-pressure mirrors it: the producer's `writeUpload` suspends above
///   `uploadHighWater`; `readUpload` answers `.pause` when empty and the producer's next write
///   asks the loop to resume.
/// - Cancellation (`cancel()`, task cancellation of a waiter, or dropping the stream) ends the
///   channel at once: waiters throw `CancellationError`, buffered bytes are dropped, and the
///   loop is told to remove the transfer. Completion after cancellation is ignored.
final class TransferChannel: Sendable {
    /// Back-pressure marks, in bytes, for the response and request bodies.
    struct Limits: Sendable {
        var highWater: Int
        var lowWater: Int
        var uploadHighWater: Int
        var uploadLowWater: Int
    }

    /// What the write callback answers libcurl.
    enum BodyVerdict { case accepted, pause, abort }
    /// What the read callback answers libcurl.
    enum UploadVerdict { case bytes(Int), end, pause, abort }

    let id: UInt64
    let limits: Limits
    /// Asks the loop thread to re-apply `pauseMask()` (resume) or to remove the transfer.
    private let notify: @Sendable (LoopCommand) -> Void
    private let gauge: ByteGauge
    /// Guarded by its own mutex; see `State` for who writes which field.
    let state: Mutex<State>

    init(id: UInt64, limits: Limits, gauge: ByteGauge, notify: @escaping @Sendable (LoopCommand) -> Void) {
        self.id = id
        self.limits = limits
        self.gauge = gauge
        self.notify = notify
        self.state = Mutex(State())
    }

    /// Everything both sides share; only touched under `state`'s lock.
    struct State {
        var head = HeadState.pending(nil)
        /// Unread body chunks are `chunks[firstChunk...]`; the prefix is compacted away lazily.
        var chunks: [[UInt8]] = []
        var firstChunk = 0
        /// Bytes in the unread chunks. Written by both sides under the lock.
        var bufferedBytes = 0
        /// Every body byte libcurl has handed over (tests use it to prove back-pressure).
        var deliveredBytes = 0
        /// Set by the write callback when it paused the transfer; cleared by the reader when it
        /// asks for a resume.
        var receivePaused = false
        /// A reader waiting for the next chunk (only while no chunk is buffered).
        var reader: CheckedContinuation<[UInt8]?, any Error>?
        /// How the transfer ended; the reader sees it after the buffered chunks.
        var end: End?
        /// A reason recorded by a callback just before it aborted the transfer; it wins over the
        /// generic libcurl error that follows.
        var loopFailure: UpstreamError?
        var upload = Upload()
    }

    /// The response head: awaited (with its waiter, if any) or received.
    enum HeadState {
        case pending(CheckedContinuation<ResponseHead, any Error>?)
        case received(ResponseHead)
    }

    /// How a transfer ended.
    enum End {
        case finished
        case failed(UpstreamError)
        case cancelled
    }

    /// The request body's side of the channel.
    struct Upload {
        var chunks: [[UInt8]] = []
        var firstChunk = 0
        /// Bytes of `chunks[firstChunk]` already sent.
        var offset = 0
        var bufferedBytes = 0
        /// Total bytes accepted from the producer.
        var written = 0
        var declaredLength: Int?
        /// The producer has written its last byte.
        var closed = false
        var failure: UpstreamError?
        /// Set by the read callback when it paused sending; cleared by the producer's next write.
        var sendPaused = false
        var waiter: CheckedContinuation<Void, any Error>?
        var producer: Task<Void, Never>?
    }

    // MARK: Caller side

    /// Waits for the response head. Throws the transfer's error if it ends first, or
    /// `CancellationError` (and cancels the transfer) if the task is cancelled.
    func head() async throws -> ResponseHead {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ResponseHead, any Error>) in
                let ready: Result<ResponseHead, any Error>? = state.withLock { state in
                    if case .received(let head) = state.head { return .success(head) }
                    if let end = state.end { return .failure(end.error) }
                    state.head = .pending(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// The next body chunk in order, nil at the clean end of the body.
    func next() async throws -> [UInt8]? {
        if let ready = takeBuffered() { return try ready.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                var resume = false
                let ready: Result<[UInt8]?, any Error>? = state.withLock { state in
                    if let ready = Self.take(&state, limits: limits, gauge: gauge, resume: &resume) { return ready }
                    state.reader = continuation
                    if state.receivePaused {  // nothing buffered yet paused: only when lowWater is 0
                        state.receivePaused = false
                        resume = true
                    }
                    return nil
                }
                if resume { notify(.resume(id)) }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// Asks the loop to re-apply this transfer's pause mask.
    func notifyResume() {
        notify(.resume(id))
    }

    private func takeBuffered() -> Result<[UInt8]?, any Error>? {
        var resume = false
        let ready = state.withLock { Self.take(&$0, limits: limits, gauge: gauge, resume: &resume) }
        if resume { notify(.resume(id)) }
        return ready
    }

    /// Pops the next buffered chunk or reports the end; nil when the reader must wait.
    private static func take(
        _ state: inout State, limits: Limits, gauge: ByteGauge, resume: inout Bool
    ) -> Result<[UInt8]?, any Error>? {
        if state.firstChunk < state.chunks.count {
            let chunk = state.chunks[state.firstChunk]
            state.chunks[state.firstChunk] = []
            state.firstChunk += 1
            if state.firstChunk == state.chunks.count {
                state.chunks.removeAll(keepingCapacity: true)
                state.firstChunk = 0
            } else if state.firstChunk >= 64 {
                state.chunks.removeFirst(state.firstChunk)
                state.firstChunk = 0
            }
            state.bufferedBytes -= chunk.count
            gauge.add(-chunk.count)
            if state.receivePaused, state.bufferedBytes <= limits.lowWater {
                state.receivePaused = false
                resume = true
            }
            return .success(chunk)
        }
        switch state.end {
        case nil: return nil
        case .finished?: return .success(nil)
        case .failed(let error)?: return .failure(error)
        case .cancelled?: return .failure(CancellationError())
        }
    }

    /// Ends the transfer from the caller's side; idempotent. Buffered bytes are dropped.
    func cancel() {
        var tellLoop = false
        let waiters = state.withLock { state -> Waiters in
            gauge.add(-state.bufferedBytes)
            state.chunks = []
            state.firstChunk = 0
            state.bufferedBytes = 0
            if state.end == nil { tellLoop = true }
            if case .cancelled? = state.end {} else { state.end = .cancelled }
            return Self.takeWaiters(&state)
        }
        waiters.resume(failing: CancellationError())
        if tellLoop { notify(.cancel(id)) }
    }

    /// Bytes buffered and not yet read (for tests and the client-wide gauge).
    var bufferedBytes: Int { state.withLock { $0.bufferedBytes } }
    /// Body bytes libcurl has handed over so far.
    var deliveredBytes: Int { state.withLock { $0.deliveredBytes } }
    var isReceivePaused: Bool { state.withLock { $0.receivePaused } }

    // MARK: Loop side

    func deliverHead(_ head: ResponseHead) {
        let waiter: CheckedContinuation<ResponseHead, any Error>? = state.withLock { state in
            guard case .pending(let waiter) = state.head, state.end == nil else { return nil }
            state.head = .received(head)
            return waiter
        }
        waiter?.resume(returning: head)
    }

    /// Takes body bytes from the write callback, or asks it to pause or abort.
    func offerBody(_ bytes: UnsafeRawBufferPointer) -> BodyVerdict {
        guard !bytes.isEmpty else { return .accepted }  // libcurl signals an empty body this way
        let chunk = [UInt8](bytes)
        let (verdict, reader) = state.withLock { state -> (BodyVerdict, CheckedContinuation<[UInt8]?, any Error>?) in
            guard state.end == nil else { return (.abort, nil) }
            guard state.bufferedBytes < limits.highWater else {
                state.receivePaused = true
                return (.pause, nil)
            }
            state.deliveredBytes += chunk.count
            if let reader = state.reader {  // a reader is waiting, so nothing is buffered
                state.reader = nil
                return (.accepted, reader)
            }
            state.chunks.append(chunk)
            state.bufferedBytes += chunk.count
            gauge.add(chunk.count)
            return (.accepted, nil)
        }
        reader?.resume(returning: chunk)
        return verdict
    }

    /// Records why a callback is about to abort the transfer.
    func recordFailure(_ error: UpstreamError) {
        state.withLock { state in
            if state.loopFailure == nil { state.loopFailure = error }
        }
    }

    /// The pause bits the transfer should have now: receiving stays paused while the reader has
    /// not drained, sending while the producer has written nothing new.
    func pauseMask() -> Int32 {
        state.withLock { state in
            (state.receivePaused ? ccurl_pause_recv : 0) | (state.upload.sendPaused ? ccurl_pause_send : 0)
        }
    }

    /// The transfer is over (libcurl finished it, or the loop removed it). `error` is nil on
    /// success. Wakes every waiter; a producer still writing the request body is stopped.
    func complete(_ error: UpstreamError?) {
        let (waiters, failure) = state.withLock { state -> (Waiters, UpstreamError?) in
            guard state.end == nil else { return (Waiters(), nil) }
            var failure = state.loopFailure ?? error
            if failure == nil, case .pending = state.head {
                failure = UpstreamError(.transport, "the response ended before its header was complete")
            }
            state.end = failure.map(End.failed) ?? .finished
            return (Self.takeWaiters(&state), failure)
        }
        if let failure {
            waiters.resume(failing: failure)
        } else {
            waiters.reader?.resume(returning: nil)
            waiters.uploader?.resume(throwing: CancellationError())
            waiters.producer?.cancel()
        }
    }

    /// Continuations and tasks to wake when the channel ends, taken out under the lock and
    /// resumed outside it.
    struct Waiters {
        var head: CheckedContinuation<ResponseHead, any Error>?
        var reader: CheckedContinuation<[UInt8]?, any Error>?
        var uploader: CheckedContinuation<Void, any Error>?
        var producer: Task<Void, Never>?

        func resume(failing error: any Error) {
            head?.resume(throwing: error)
            reader?.resume(throwing: error)
            uploader?.resume(throwing: error)
            producer?.cancel()
        }
    }

    private static func takeWaiters(_ state: inout State) -> Waiters {
        var waiters = Waiters()
        if case .pending(let waiter) = state.head {
            waiters.head = waiter
            state.head = .pending(nil)
        }
        waiters.reader = state.reader
        state.reader = nil
        waiters.uploader = state.upload.waiter
        state.upload.waiter = nil
        waiters.producer = state.upload.producer
        state.upload.producer = nil
        return waiters
    }
}

extension TransferChannel.End {
    var error: any Error {
        switch self {
        case .finished: return UpstreamError(.transport, "the transfer already ended")
        case .failed(let error): return error
        case .cancelled: return CancellationError()
        }
    }
}
