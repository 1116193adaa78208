/// A bounded map whose entries expire: the storage of the decision cache.
///
/// Contract:
/// - `value(for:now:)` returns an entry only before its expiry; an expired entry is removed
///   when looked up.
/// - At most `capacity` entries: inserting into a full cache first evicts the oldest
///   insertions (FIFO). Entries of one kind share a TTL, so the oldest insertion is also the
///   first to expire; eviction therefore drops what would soon be useless anyway.
/// - Time is passed in, never read: tests drive expiry without clocks or sleeps.
/// - A value type with mutating methods; the owner guards it (a `Mutex`).
///
/// Eviction order is kept in `order`, a FIFO of (key, serial) with a moving `head`; a key
/// inserted again gets a new serial, so its older FIFO slot is stale and skipped. Invariant:
/// every live entry's serial appears in `order[head...]`, and `order` holds at most about
/// twice `capacity` slots (it is rebuilt from the live entries beyond that).
struct ExpiringCache<Key: Hashable, Value> {
    struct Entry {
        var value: Value
        var expiry: ContinuousClock.Instant
        var serial: UInt64
    }

    let capacity: Int
    private(set) var entries: [Key: Entry] = [:]
    private var order: [(key: Key, serial: UInt64)] = []
    private var head = 0
    private var nextSerial: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// The live value of `key` at `now`.
    mutating func value(for key: Key, now: ContinuousClock.Instant) -> Value? {
        guard let entry = entries[key] else { return nil }
        guard now < entry.expiry else {
            entries[key] = nil
            return nil
        }
        return entry.value
    }

    /// Stores `value` for `key` until `expiry`, evicting the oldest entries when full.
    mutating func insert(_ value: Value, for key: Key, until expiry: ContinuousClock.Instant) {
        if entries[key] == nil {
            while entries.count >= capacity, evictOldest() {}
        }
        nextSerial += 1
        entries[key] = Entry(value: value, expiry: expiry, serial: nextSerial)
        order.append((key, nextSerial))
        if order.count - head > 2 * capacity { compact() }
    }

    mutating func removeAll() {
        entries = [:]
        order = []
        head = 0
    }

    /// Removes the oldest live insertion; false when there is none.
    private mutating func evictOldest() -> Bool {
        while head < order.count {
            let slot = order[head]
            head += 1
            if entries[slot.key]?.serial == slot.serial {
                entries[slot.key] = nil
                if head > order.count / 2 { compact() }
                return true
            }
        }
        return false
    }

    /// Rebuilds `order` from the live entries, oldest first.
    private mutating func compact() {
        order = entries.map { (key: $0.key, serial: $0.value.serial) }.sorted { $0.serial < $1.serial }
        head = 0
    }
}
