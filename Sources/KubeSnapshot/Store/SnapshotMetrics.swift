import Metrics

/// The `kcache_snapshot_*` metric families (STYLE.md naming), created once per store.
///
/// - `kcache_snapshot_saves_total`, `kcache_snapshot_save_failures_total`: counters.
/// - `kcache_snapshot_save_duration_seconds`: a timer (a histogram in Prometheus).
/// - `kcache_snapshot_bytes`: the file's size with its WAL, after each save or load.
/// - `kcache_snapshot_last_success_timestamp_seconds`: Unix time of the last committed save.
struct SnapshotMetrics: Sendable {
    let saves: Counter
    let saveFailures: Counter
    let saveDuration: Timer
    let bytes: Gauge
    let lastSuccess: Gauge

    init(factory: any MetricsFactory) {
        saves = Counter(label: "kcache_snapshot_saves_total", factory: factory)
        saveFailures = Counter(label: "kcache_snapshot_save_failures_total", factory: factory)
        saveDuration = Timer(
            label: "kcache_snapshot_save_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        bytes = Gauge(label: "kcache_snapshot_bytes", factory: factory)
        lastSuccess = Gauge(label: "kcache_snapshot_last_success_timestamp_seconds", factory: factory)
    }
}
