/// The names of the families kcache exports, in one place so that code, `docs/metrics.md` and
/// tests agree. Prometheus conventions: `kcache_<subsystem>_<name>_<unit|total>`, counters end
/// in `_total`, durations are in seconds; `group`/`resource` labels where they apply.
public enum MetricNames {
    // HTTP: every request the server completes.
    public static let httpRequests = "kcache_http_requests_total"
    public static let httpRequestDuration = "kcache_http_request_duration_seconds"
    /// Requests refused and connections closed by a limit, by `limit` (`ExceededLimit`).
    public static let httpLimitsExceeded = "kcache_http_limits_exceeded_total"

    // Cache contents, per resource.
    public static let cacheObjects = "kcache_cache_objects"
    public static let cacheBytes = "kcache_cache_bytes"
    public static let cacheResourceVersion = "kcache_cache_resource_version"
    public static let cacheKindsRefused = "kcache_cache_kinds_refused_total"

    // The upstream LIST+WATCH per resource (requests themselves: `kcache_upstream_requests_total`
    // and `kcache_upstream_errors_total`, emitted by the upstream client).
    public static let upstreamEvents = "kcache_upstream_events_total"
    public static let upstreamRelists = "kcache_upstream_relists_total"
    public static let upstreamWatchRestarts = "kcache_upstream_watch_restarts_total"
    public static let upstreamListWatchErrors = "kcache_upstream_list_watch_errors_total"
    /// Watch events skipped, by `reason`: `stale` (an RV not newer than the cache's) or
    /// `malformed` (a line or object that could not be read).
    public static let upstreamEventsIgnored = "kcache_upstream_events_ignored_total"

    // Downstream watches.
    public static let watchers = "kcache_watchers"
    public static let watchEventsSent = "kcache_watch_events_sent_total"
    public static let watchersEndedSlow = "kcache_watchers_ended_slow_total"

    // Read-your-writes.
    public static let consistencyWaits = "kcache_consistency_waits_total"
    public static let consistencyWaitDuration = "kcache_consistency_wait_duration_seconds"
    public static let consistencyFallbacks = "kcache_consistency_fallbacks_total"

    // Authorization (`--auth passthrough`).
    public static let authorizationDecisions = "kcache_authorization_decisions_total"
    public static let authorizationCacheHits = "kcache_authorization_cache_hits_total"
    public static let authorizationCacheMisses = "kcache_authorization_cache_misses_total"

    // The process, under the names every Prometheus client library uses.
    public static let processResidentMemory = "process_resident_memory_bytes"
    public static let processVirtualMemory = "process_virtual_memory_bytes"
    public static let processOpenFileDescriptors = "process_open_fds"
}
