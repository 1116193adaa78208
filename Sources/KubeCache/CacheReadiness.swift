/// Where a resource's cache stands with its upstream: what `/readyz?verbose` reports for it.
///
/// ```
///  syncing ──LIST done──▶ synced ◀──watch resumed── restored (from a snapshot)
///     ▲                     │ ▲
///     └──410: relist────────┘ └── watch re-established
///  failing(reason): errors while syncing or watching; data (if any) is still served
///  uncached(reason): the upstream refused the kind (403/404); reads go upstream
/// ```
public enum CacheReadiness: Hashable, Sendable, CustomStringConvertible {
    /// No complete state yet: the first LIST is under way.
    case syncing
    /// The store reflects a complete LIST plus every event since.
    case synced
    /// Loaded from a snapshot; the upstream watch has not resumed yet.
    case restored
    /// The last attempt to list or watch failed; `hasData` tells whether reads can still be
    /// served from what the cache holds.
    case failing(reason: String, hasData: Bool)
    /// The upstream refused to list or watch this kind (403 or 404); it is served by
    /// passthrough and retried later.
    case uncached(reason: String)

    /// True for the states readiness accepts: synced or restored.
    public var isReady: Bool {
        switch self {
        case .synced, .restored: true
        case .failing(_, let hasData): hasData
        default: false
        }
    }

    public var description: String {
        switch self {
        case .syncing: "syncing"
        case .synced: "synced"
        case .restored: "restored"
        case .failing(let reason, _): "failing: \(reason)"
        case .uncached(let reason): "uncached: \(reason)"
        }
    }
}
