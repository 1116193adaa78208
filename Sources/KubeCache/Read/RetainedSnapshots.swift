import KubeAPI

/// Stores kept by resourceVersion so that the pages of a paginated LIST, and `Exact` reads,
/// are answered from the same state as the first page.
///
/// A store is retained when a paginated LIST hands out a continue token for it, and kept for
/// `lifetime` after its last use (at least 5 minutes by default, as continue tokens are
/// usually followed within seconds). Retaining a store costs only what has changed since: it
/// shares all unchanged nodes and objects with the current one. At most `capacity` are kept;
/// the least recently used goes first. A token whose store is gone is answered upstream.
struct RetainedSnapshots {
    private struct Entry {
        var store: Store
        var lastUsed: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    private var entries: [ResourceVersion: Entry] = [:]

    init(lifetime: Duration, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    var count: Int { entries.count }

    mutating func retain(_ store: Store, now: ContinuousClock.Instant) {
        entries[store.resourceVersion] = Entry(store: store, lastUsed: now)
        while entries.count > capacity,
              let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            entries[oldest] = nil
        }
    }

    /// The store retained at exactly `resourceVersion`, marking it used.
    mutating func store(at resourceVersion: ResourceVersion, now: ContinuousClock.Instant) -> Store? {
        guard entries[resourceVersion] != nil else { return nil }
        entries[resourceVersion]?.lastUsed = now
        return entries[resourceVersion]?.store
    }

    mutating func expire(now: ContinuousClock.Instant) {
        guard !entries.isEmpty else { return }
        entries = entries.filter { now - $0.value.lastUsed <= lifetime }
    }
}
