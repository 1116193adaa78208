import KubeAPI

/// Waiting until the cache has caught up: reads that name an RV (3 s, then upstream) and
/// read-your-writes.
extension ResourceCache {
    /// Waits until the cache satisfies `condition`, at most `timeout`. Returns true when it
    /// does (at once if it already does), false when the timeout passed first.
    ///
    /// Cancellation of the calling task does not end the wait early; the wait is bounded by
    /// `timeout` either way.
    public func waitUntil(_ condition: FreshnessCondition, timeout: Duration) async -> Bool {
        if condition.isSatisfied(by: store) { return true }
        guard timeout > .zero else { return false }
        return await withCheckedContinuation { continuation in
            let id: UInt64? = state.withLock { state in
                if condition.isSatisfied(by: state.store) { return nil }
                return state.waiters.add(condition, continuation)
            }
            guard let id else {
                continuation.resume(returning: true)
                return
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                let expired = self?.state.withLock { $0.waiters.remove(id) }
                expired?.resume(returning: false)
            }
        }
    }

    /// Waits until the cache has reached `resourceVersion`, at most `timeout`.
    public func waitUntilFresh(atLeast resourceVersion: ResourceVersion, timeout: Duration) async -> Bool {
        await waitUntil(.resourceVersion(atLeast: resourceVersion), timeout: timeout)
    }
}
