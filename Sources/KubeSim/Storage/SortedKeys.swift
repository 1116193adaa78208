import KubeAPI

/// A set of `ObjectKey`s kept in storage-key order, as a list of sorted chunks.
///
/// Insert and remove cost O(log n + chunk size); iteration from any key is sequential. Chosen
/// over one sorted array because seeding 100k+ objects into one array is quadratic, and over a
/// balanced tree because chunks iterate and binary-search cache-friendly.
/// Invariant: every chunk is non-empty and sorted, and the last key of chunk i is below the
/// first key of chunk i+1. Not thread-safe: owned by `ResourceState` under the store's lock.
struct SortedKeys: Sendable {
    private static let maximumChunk = 512
    private var chunks: [[ObjectKey]] = []
    private(set) var count = 0

    /// Where a key is or would be: chunk and position inside it.
    private func locate(_ key: ObjectKey) -> (chunk: Int, index: Int, found: Bool) {
        guard !chunks.isEmpty else { return (0, 0, false) }
        var low = 0
        var high = chunks.count - 1
        while low < high {
            let middle = (low + high) / 2
            if ObjectKey.compareStorageKeys(chunks[middle][chunks[middle].count - 1], key) < 0 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        let chunk = chunks[low]
        var lower = 0
        var upper = chunk.count
        while lower < upper {
            let middle = (lower + upper) / 2
            if ObjectKey.compareStorageKeys(chunk[middle], key) < 0 { lower = middle + 1 } else { upper = middle }
        }
        let found = lower < chunk.count && chunk[lower] == key
        return (low, lower, found)
    }

    func contains(_ key: ObjectKey) -> Bool { locate(key).found }

    /// Adds `key` (no-op when present); splits a chunk that grows past `maximumChunk`.
    mutating func insert(_ key: ObjectKey) {
        if chunks.isEmpty {
            chunks = [[key]]
            count = 1
            return
        }
        let place = locate(key)
        if place.found { return }
        chunks[place.chunk].insert(key, at: place.index)
        count += 1
        if chunks[place.chunk].count > SortedKeys.maximumChunk {
            let chunk = chunks[place.chunk]
            let half = chunk.count / 2
            chunks[place.chunk] = Array(chunk[..<half])
            chunks.insert(Array(chunk[half...]), at: place.chunk + 1)
        }
    }

    /// Removes `key` (no-op when absent); drops a chunk left empty.
    mutating func remove(_ key: ObjectKey) {
        let place = locate(key)
        guard place.found else { return }
        chunks[place.chunk].remove(at: place.index)
        count -= 1
        if chunks[place.chunk].isEmpty { chunks.remove(at: place.chunk) }
    }

    /// The keys at or after `start` (after it when `inclusive` is false), in order.
    func keys(from start: ObjectKey?, inclusive: Bool = true) -> Cursor {
        guard let start else { return Cursor(chunks: chunks, chunk: 0, index: 0) }
        var place = locate(start)
        if place.found && !inclusive { place.index += 1 }
        return Cursor(chunks: chunks, chunk: place.chunk, index: place.index)
    }

    /// Keys before `key` in the set (its rank); O(number of chunks).
    func rank(of key: ObjectKey) -> Int {
        let place = locate(key)
        var total = 0
        for chunk in chunks.prefix(place.chunk) { total += chunk.count }
        return total + place.index
    }

    /// A forward iterator over a snapshot of the chunks (copy-on-write keeps it stable).
    struct Cursor: IteratorProtocol, Sequence {
        let chunks: [[ObjectKey]]
        var chunk: Int
        var index: Int

        mutating func next() -> ObjectKey? {
            while chunk < chunks.count {
                if index < chunks[chunk].count {
                    defer { index += 1 }
                    return chunks[chunk][index]
                }
                chunk += 1
                index = 0
            }
            return nil
        }
    }
}
