/// A request to the multi-loop thread, queued by any thread and applied by the loop between
/// two `curl_multi_perform` calls (the only place libcurl handles may be touched).
enum LoopCommand: Sendable {
    /// Create an easy handle for the request and add it to the multi handle.
    case start(PreparedRequest, TransferChannel)
    /// Re-apply the transfer's pause mask (`curl_easy_pause`): a reader drained or a producer wrote.
    case resume(UInt64)
    /// Remove the transfer now: its consumer is gone.
    case cancel(UInt64)
    /// Abort every transfer and end the thread.
    case shutdown
}
