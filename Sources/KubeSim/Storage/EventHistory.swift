/// The recent events of one resource, oldest first, in increasing resourceVersion.
///
/// A ring over an array: `storage[(head + i) % storage.count]` is the i-th oldest event for
/// `i < count`. Appending to a full ring grows it (the owner trims with `removeOldest()`), so
/// the capacity settles at the history limit. Not thread-safe (inside `ResourceState`).
struct EventHistory: Sendable {
    private var storage: [StoreEvent?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Adds the newest event; its resourceVersion must exceed every stored one.
    mutating func append(_ event: StoreEvent) {
        if count == storage.count {
            // Full: unroll into a bigger array so the oldest is at index 0 again.
            var grown: [StoreEvent?] = []
            grown.reserveCapacity(max(16, storage.count * 2))
            for index in 0..<count { grown.append(storage[(head + index) % storage.count]) }
            grown.append(contentsOf: repeatElement(nil, count: max(16, storage.count * 2) - count))
            storage = grown
            head = 0
        }
        storage[(head + count) % storage.count] = event
        count += 1
    }

    /// Removes and returns the oldest event (nil when empty).
    mutating func removeOldest() -> StoreEvent? {
        guard count > 0 else { return nil }
        let event = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return event
    }

    mutating func removeAll() {
        storage = []
        head = 0
        count = 0
    }

    /// The i-th oldest event.
    subscript(position: Int) -> StoreEvent {
        storage[(head + position) % storage.count]!
    }

    /// Events with a resourceVersion above `resourceVersion`, found by binary search.
    func events(after resourceVersion: UInt64) -> [StoreEvent] {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].resourceVersion <= resourceVersion { low = middle + 1 } else { high = middle }
        }
        return (low..<count).map { self[$0] }
    }
}
