import CCurl
import Logging

/// The multi loop's thread-confined state: the transfers in flight by id and by easy handle.
///
/// Not Sendable: lives and dies on the loop thread inside `CurlMultiLoop.run`. Every libcurl
/// handle operation of the client happens in here or in `EasyTransfer`.
final class LoopDriver {
    private let multi: UnsafeMutableRawPointer
    private let logger: Logger
    private let metrics: UpstreamMetrics
    private let statistics: LoopStatistics
    private var transfers: [UInt64: EasyTransfer] = [:]
    private var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

    init(multi: UnsafeMutableRawPointer, logger: Logger, metrics: UpstreamMetrics, statistics: LoopStatistics) {
        self.multi = multi
        self.logger = logger
        self.metrics = metrics
        self.statistics = statistics
    }

    func apply(_ command: LoopCommand) {
        switch command {
        case .start(let request, let channel):
            start(request, channel)
        case .resume(let id):
            guard let transfer = transfers[id] else { return }
            // May call the write callback at once with bytes libcurl held while paused.
            curl_easy_pause(transfer.handle, transfer.channel.pauseMask())
        case .cancel(let id):
            guard let transfer = transfers[id] else { return }
            // Removing an HTTP/2 transfer queues a RST_STREAM that libcurl 7.88 only sends with
            // the connection's next traffic (curl issue #2882). Forbidding reuse makes the removal
            // close the connection when this was its last transfer, so an idle connection cannot
            // keep a cancelled watch open upstream. HTTP/1.1 connections close on removal anyway.
            ccurl_easy_setopt_long(transfer.handle, CURLOPT_FORBID_REUSE, 1)
            finish(transfer, error: nil, cancelled: true)
        case .shutdown:
            break  // handled by the loop
        }
    }

    private func start(_ request: PreparedRequest, _ channel: TransferChannel) {
        if case .cancelled? = channel.state.withLock({ $0.end }) { return }
        let transfer: EasyTransfer
        do {
            transfer = try EasyTransfer(request: request, channel: channel, statistics: statistics)
        } catch {
            channel.complete(error)
            return
        }
        let code = curl_multi_add_handle(multi, transfer.handle)
        guard code == CURLM_OK else {
            transfer.close()
            channel.complete(UpstreamError(.invalidRequest, "curl_multi_add_handle: \(String(cString: curl_multi_strerror(code)))"))
            return
        }
        transfers[channel.id] = transfer
        idsByHandle[transfer.handle] = channel.id
    }

    /// Finishes every transfer libcurl reports done.
    func reapFinished() {
        var handle: UnsafeMutableRawPointer?
        var result = CURLE_OK
        while ccurl_multi_next_done(multi, &handle, &result) {
            guard let handle, let id = idsByHandle[handle], let transfer = transfers[id] else { continue }
            let error = result == CURLE_OK ? nil : UpstreamError(curlCode: result, detail: transfer.errorDetail)
            finish(transfer, error: error, cancelled: false)
        }
    }

    func abortAll(with error: UpstreamError) {
        for transfer in transfers.values { finish(transfer, error: error, cancelled: false) }
    }

    private func finish(_ transfer: EasyTransfer, error: UpstreamError?, cancelled: Bool) {
        curl_multi_remove_handle(multi, transfer.handle)
        transfers[transfer.channel.id] = nil
        idsByHandle[transfer.handle] = nil
        transfer.channel.complete(cancelled ? nil : error)
        let request = transfer.request
        let elapsed = ContinuousClock.now - transfer.startedAt
        var metadata: Logger.Metadata = [
            "method": "\(request.method)", "path": "\(request.target)",
            "duration_ms": "\(elapsed.curlMilliseconds)",
        ]
        if let status = transfer.status {
            metadata["status"] = "\(status)"
            metrics.requestCompleted(verb: request.verb, code: status)
        }
        if cancelled {
            logger.debug("upstream request cancelled", metadata: metadata)
        } else if let error {
            metadata["error"] = "\(error)"
            metrics.requestFailed(verb: request.verb, kind: error.kind)
            logger.debug("upstream request failed", metadata: metadata)
        } else {
            logger.trace("upstream request finished", metadata: metadata)
        }
        transfer.close()
    }
}
