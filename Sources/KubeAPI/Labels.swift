/// An object's labels: key/value pairs sorted by key, looked up by binary search.
///
/// Kept as one sorted array rather than a dictionary because the cache holds one `Labels` per
/// object (hundreds of thousands) and label selectors scan them on every LIST: a flat array is
/// a single allocation and matches in a few comparisons. Keys are unique.
public struct Labels: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One label.
    public struct Pair: Hashable, Sendable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The labels in ascending key order, without duplicate keys.
    public private(set) var pairs: [Pair]

    public init() {
        pairs = []
    }

    /// Labels from a dictionary.
    public init(_ dictionary: [String: String]) {
        pairs = dictionary.map { Pair(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        var dictionary: [String: String] = [:]
        for (key, value) in elements { dictionary[key] = value }
        self.init(dictionary)
    }

    /// Labels from pairs in any order; a later pair with the same key wins, as in JSON decoding.
    public init(unsortedPairs: [Pair]) {
        var sorted: [Pair] = []
        sorted.reserveCapacity(unsortedPairs.count)
        for pair in unsortedPairs {
            if let index = sorted.firstIndex(where: { $0.key == pair.key }) {
                sorted[index] = pair
            } else {
                sorted.append(pair)
            }
        }
        sorted.sort { $0.key < $1.key }
        pairs = sorted
    }

    /// The value for `key`, or nil when the object lacks the label.
    public subscript(key: String) -> String? {
        var low = 0
        var high = pairs.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = pairs[middle].key
            if candidate == key { return pairs[middle].value }
            if candidate < key { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }

    public func makeIterator() -> IndexingIterator<[Pair]> { pairs.makeIterator() }

    /// The labels as a dictionary.
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) })
    }

    public var description: String {
        pairs.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
