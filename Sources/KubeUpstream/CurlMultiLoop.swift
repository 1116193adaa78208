import CCurl
import Foundation
import Logging
import Synchronization

/// The one thread that drives every libcurl transfer of an `UpstreamClient`.
///
/// Any thread may `submit` a command; it is queued under a short lock and the loop is woken
/// with `curl_multi_wakeup` (the only libcurl call made off the loop thread, and one libcurl
/// documents as thread-safe). The loop applies queued commands, runs `curl_multi_perform`,
/// finishes completed transfers and sleeps in `curl_multi_poll` until a socket is ready, a
/// timer is due or it is woken. Easy handles are created, paused, resumed, removed and freed on
/// this thread only. After `shutdown`, every transfer fails with `.shutdown` and further
/// submissions are refused.
final class CurlMultiLoop: Sendable {
    private let multi: MultiHandle
    /// Commands not yet applied, and whether the loop has stopped; guarded by the mutex. The
    /// wakeup is sent while holding it, so the loop cannot free the multi handle under a waker.
    private let inbox = Mutex<Inbox>(Inbox())
    let statistics = LoopStatistics()
    private let logger: Logger
    private let metrics: UpstreamMetrics

    /// Commands queued for the loop and whether it has stopped.
    private struct Inbox {
        var commands: [LoopCommand] = []
        var stopped = false
    }

    /// A multi handle shared with other threads only for `curl_multi_wakeup`.
    struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private static let globalInit: CURLcode = curl_global_init(ccurl_global_all)

    init(logger: Logger, metrics: UpstreamMetrics, maxConcurrentStreams: Int) throws(UpstreamError) {
        guard Self.globalInit == CURLE_OK else { throw UpstreamError(.invalidRequest, "curl_global_init failed") }
        guard let raw = curl_multi_init() else { throw UpstreamError(.invalidRequest, "curl_multi_init failed") }
        ccurl_multi_setopt_long(raw, CURLMOPT_PIPELINING, ccurl_pipe_multiplex)
        ccurl_multi_setopt_long(raw, CURLMOPT_MAX_CONCURRENT_STREAMS, maxConcurrentStreams)
        self.multi = MultiHandle(raw: raw)
        self.logger = logger
        self.metrics = metrics
        Thread { [self] in self.run() }.start()
    }

    /// Queues `command` for the loop; false once the loop has stopped.
    @discardableResult
    func submit(_ command: LoopCommand) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.stopped else { return false }
            inbox.commands.append(command)
            curl_multi_wakeup(multi.raw)
            return true
        }
    }

    /// Stops the loop: transfers in flight fail with `.shutdown`. Returns at once; idempotent.
    func shutdown() {
        submit(.shutdown)
    }

    private func run() {
        Thread.current.name = "kcache-curl"  // visible in top -H and debuggers
        statistics.recordLoopThreadStarted()
        let driver = LoopDriver(multi: multi.raw, logger: logger, metrics: metrics, statistics: statistics)
        var running: Int32 = 0
        var readyDescriptors: Int32 = 0
        while true {
            let commands = inbox.withLock { inbox -> [LoopCommand] in
                defer { inbox.commands = [] }
                return inbox.commands
            }
            for (index, command) in commands.enumerated() {
                if case .shutdown = command {
                    stop(driver, unapplied: commands[(index + 1)...])
                    return
                }
                driver.apply(command)
            }
            curl_multi_perform(multi.raw, &running)
            driver.reapFinished()
            curl_multi_poll(multi.raw, nil, 0, 1000, &readyDescriptors)
        }
    }

    /// Refuses further commands, fails transfers that were queued but never started, aborts
    /// the rest and frees the multi handle.
    private func stop(_ driver: LoopDriver, unapplied: ArraySlice<LoopCommand>) {
        let leftover = Array(unapplied) + inbox.withLock { inbox -> [LoopCommand] in
            inbox.stopped = true
            defer { inbox.commands = [] }
            return inbox.commands
        }
        let error = UpstreamError(.shutdown, "the upstream client was shut down")
        for case .start(_, let channel) in leftover { channel.complete(error) }
        driver.abortAll(with: error)
        curl_multi_cleanup(multi.raw)
        logger.debug("upstream multi loop stopped")
    }
}
