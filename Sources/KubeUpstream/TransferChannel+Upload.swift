extension TransferChannel {
    /// Prepares the request body side: a fixed body is buffered whole and closed; a streamed
    /// body starts empty and is fed by `writeUpload`. Call before the transfer starts.
    func prepareUpload(bytes: [UInt8]?, declaredLength: Int?) {
        state.withLock { state in
            state.upload.declaredLength = declaredLength
            if let bytes {
                if !bytes.isEmpty { state.upload.chunks = [bytes] }
                state.upload.bufferedBytes = bytes.count
                state.upload.written = bytes.count
                state.upload.closed = true
            }
        }
    }

    /// Keeps the task that produces a streamed body so that the transfer's end cancels it.
    func attachProducer(_ task: Task<Void, Never>) {
        let ended = state.withLock { state -> Bool in
            if state.end != nil { return true }
            state.upload.producer = task
            return false
        }
        if ended { task.cancel() }
    }

    /// Appends request-body bytes; suspends while more than `uploadHighWater` bytes wait to be
    /// sent. Throws `CancellationError` once the transfer has ended, and an `invalidRequest`
    /// error past the declared Content-Length.
    func writeUpload(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var resume = false
                let ready: Result<Void, any Error>? = state.withLock { state in
                    if let end = state.end { return .failure(end.error) }
                    if let declared = state.upload.declaredLength, state.upload.written + bytes.count > declared {
                        let error = UpstreamError(.invalidRequest, "request body is longer than its Content-Length \(declared)")
                        state.upload.failure = error
                        resume = Self.unpauseSend(&state)
                        return .failure(error)
                    }
                    state.upload.chunks.append(bytes)
                    state.upload.bufferedBytes += bytes.count
                    state.upload.written += bytes.count
                    resume = Self.unpauseSend(&state)
                    if state.upload.bufferedBytes > limits.uploadHighWater {
                        state.upload.waiter = continuation
                        return nil
                    }
                    return .success(())
                }
                if resume { notifyResume() }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.upload.waiter = nil }
                return state.upload.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// The producer is done: cleanly (`error` nil) or because its source failed, which aborts
    /// the transfer with an `invalidRequest` error naming the cause.
    func finishUpload(error: (any Error)?) {
        let resume = state.withLock { state -> Bool in
            guard state.end == nil, !state.upload.closed else { return false }
            state.upload.closed = true
            if state.upload.failure != nil {
                // The first failure (an overlong write) already explains the end.
            } else if let error {
                state.upload.failure = error as? UpstreamError
                    ?? UpstreamError(.invalidRequest, "the request body source failed: \(error)")
            } else if let declared = state.upload.declaredLength, state.upload.written < declared {
                state.upload.failure = UpstreamError(
                    .invalidRequest, "request body ended after \(state.upload.written) of its \(declared) bytes")
            }
            return Self.unpauseSend(&state)
        }
        if resume { notifyResume() }
    }

    private static func unpauseSend(_ state: inout State) -> Bool {
        guard state.upload.sendPaused else { return false }
        state.upload.sendPaused = false
        return true
    }

    /// Fills `buffer` from the request body for libcurl's read callback (loop thread).
    func readUpload(into buffer: UnsafeMutableRawBufferPointer) -> UploadVerdict {
        let (verdict, waiter) = state.withLock { state -> (UploadVerdict, CheckedContinuation<Void, any Error>?) in
            guard state.end == nil else { return (.abort, nil) }
            if let failure = state.upload.failure {
                if state.loopFailure == nil { state.loopFailure = failure }
                return (.abort, nil)
            }
            guard state.upload.bufferedBytes > 0 else {
                if state.upload.closed { return (.end, nil) }
                state.upload.sendPaused = true
                return (.pause, nil)
            }
            var copied = 0
            while copied < buffer.count, state.upload.firstChunk < state.upload.chunks.count {
                let chunk = state.upload.chunks[state.upload.firstChunk]
                let count = min(chunk.count - state.upload.offset, buffer.count - copied)
                chunk.withUnsafeBytes { source in
                    let slice = UnsafeRawBufferPointer(rebasing: source[state.upload.offset..<(state.upload.offset + count)])
                    UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<(copied + count)]).copyMemory(from: slice)
                }
                copied += count
                state.upload.offset += count
                if state.upload.offset == chunk.count {
                    state.upload.chunks[state.upload.firstChunk] = []
                    state.upload.firstChunk += 1
                    state.upload.offset = 0
                }
            }
            if state.upload.firstChunk == state.upload.chunks.count {
                state.upload.chunks.removeAll(keepingCapacity: true)
                state.upload.firstChunk = 0
            }
            state.upload.bufferedBytes -= copied
            var waiter: CheckedContinuation<Void, any Error>?
            if state.upload.bufferedBytes <= limits.uploadLowWater {
                waiter = state.upload.waiter
                state.upload.waiter = nil
            }
            return (.bytes(copied), waiter)
        }
        waiter?.resume()
        return verdict
    }
}
