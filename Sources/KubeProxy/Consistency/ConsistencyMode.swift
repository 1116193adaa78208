/// How fresh a read without a resourceVersion must be (`--consistency`).
///
/// - `eventual`: answer from the cache as it is (what controller-runtime's cache does).
/// - `readYourWrites` (default): a read of a resource that a client wrote through this kcache
///   waits until the cache reflects that write (at most `--ryw-timeout`), else goes upstream.
/// - `strict`: GET and LIST without a resourceVersion go upstream; watches are served from
///   the cache, as the API server's own cache does; a WatchList without a resourceVersion is
///   answered `422` so the client falls back to LIST "0" + WATCH, both cacheable.
public enum ConsistencyMode: String, Sendable, CaseIterable {
    case eventual
    case readYourWrites = "read-your-writes"
    case strict
}
