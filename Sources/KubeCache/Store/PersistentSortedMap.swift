/// An ordered map with O(1) snapshots: a persistent B+ tree with copy-on-write nodes.
///
/// Copying the map is a reference-count increment; the copies then share every node until one
/// of them changes, and a change copies only the nodes on the path it touches (about
/// `log₆₄ n` nodes, three for 150,000 entries). That is what lets the cache publish its state
/// as an immutable snapshot on every event while LISTs iterate older snapshots without locks
/// (DESIGN.md invariant 2).
///
/// Elements live in the leaves in ascending key order. Every node records how many elements
/// its subtree holds, so `rank(of:)` — how many elements sort before a key, which LIST needs
/// for `remainingItemCount` — costs one descent, not a scan.
///
/// Value semantics: a `PersistentSortedMap` is a value; mutating one copy never changes
/// another. It is `Sendable` when its keys and values are, because shared nodes are never
/// mutated (a node is changed in place only while uniquely referenced).
public struct PersistentSortedMap<Key: Comparable & Sendable, Value: Sendable>: Sendable {
    typealias Node = PersistentSortedMapNode<Key, Value>

    /// Most elements (leaf) or children (inner node) a node holds before it splits.
    /// 64 keeps a 150,000-element tree three levels deep and each node within a few cache
    /// lines of keys to binary-search.
    static var maximumFill: Int { 64 }
    /// Fewest a non-root node keeps after a removal before it borrows or merges.
    static var minimumFill: Int { maximumFill / 4 }

    var root: Node

    public init() {
        root = Node(leafKeys: [], values: [])
    }

    /// The number of elements.
    public var count: Int { root.count }

    public var isEmpty: Bool { root.count == 0 }

    /// The value stored for `key`, or nil.
    public subscript(key: Key) -> Value? {
        var node = root
        while !node.isLeaf {
            node = node.children[node.childIndex(for: key)]
        }
        let index = node.lowerBound(key)
        guard index < node.keys.count, node.keys[index] == key else { return nil }
        return node.values[index]
    }

    /// How many elements have a key that sorts before `key`.
    public func rank(of key: Key) -> Int {
        var node = root
        var rank = 0
        while !node.isLeaf {
            let childIndex = node.childIndex(for: key)
            for index in 0..<childIndex { rank += node.children[index].count }
            node = node.children[childIndex]
        }
        return rank + node.lowerBound(key)
    }

    /// The smallest and largest keys, or nil when empty.
    public var first: (key: Key, value: Value)? {
        var node = root
        while !node.isLeaf { node = node.children[0] }
        guard let key = node.keys.first else { return nil }
        return (key, node.values[0])
    }
}

// MARK: - Mutation

extension PersistentSortedMap {
    /// Stores `value` for `key`, returning the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        let (replaced, split) = root.insert(value, forKey: key)
        if let (separator, sibling) = split {
            root = Node(innerKeys: [separator], children: [root, sibling])
        }
        return replaced
    }

    /// Removes the element for `key`, returning its value, or nil when there was none.
    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard self[key] != nil else { return nil }
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        let removed = root.remove(key)
        if !root.isLeaf, root.children.count == 1 {
            root = root.children[0]
        }
        return removed
    }
}

// MARK: - Iteration

extension PersistentSortedMap: Sequence {
    public typealias Element = (key: Key, value: Value)

    public func makeIterator() -> Iterator {
        Iterator(root: root, from: nil)
    }

    /// The elements whose key is `key` or sorts after it, in ascending order.
    public func elements(from key: Key) -> Elements {
        Elements(root: root, from: key)
    }

    /// The elements from `lowerBound` (inclusive) in ascending order; a lazy sequence that holds
    /// the snapshot it was made from.
    public struct Elements: Sequence, Sendable {
        let root: Node
        let from: Key?

        public func makeIterator() -> Iterator { Iterator(root: root, from: from) }
    }

    /// Walks the leaves in key order. Holds its own reference to the snapshot, so the map may
    /// change while it iterates.
    ///
    /// The current leaf's keys and values are copied into the iterator (one retain of each
    /// array per leaf), so stepping within a leaf is an index increment: the hot loop of every
    /// LIST and every initial watch touches no node and no stack.
    public struct Iterator: IteratorProtocol, Sendable {
        /// Inner nodes above the current leaf, each with the index of its next child to visit.
        private var path: [(node: Node, index: Int)] = []
        private var keys: [Key] = []
        private var values: [Value] = []
        private var index = 0

        init(root: Node, from key: Key?) {
            var node = root
            while !node.isLeaf {
                let index = key.map { node.childIndex(for: $0) } ?? 0
                path.append((node, index + 1))
                node = node.children[index]
            }
            keys = node.keys
            values = node.values
            index = key.map { node.lowerBound($0) } ?? 0
        }

        public mutating func next() -> (key: Key, value: Value)? {
            guard index < keys.count || advanceToNextLeaf() else { return nil }
            defer { index += 1 }
            return (keys[index], values[index])
        }

        /// The next value alone, saving the key's copy.
        public mutating func nextValue() -> Value? {
            guard index < values.count || advanceToNextLeaf() else { return nil }
            defer { index += 1 }
            return values[index]
        }

        /// Moves to the first element of the next non-empty leaf; false at the end.
        private mutating func advanceToNextLeaf() -> Bool {
            while let top = path.last {
                guard top.index < top.node.children.count else {
                    path.removeLast()
                    continue
                }
                path[path.count - 1].index += 1
                var node = top.node.children[top.index]
                while !node.isLeaf {
                    path.append((node, 1))
                    node = node.children[0]
                }
                if !node.keys.isEmpty {
                    keys = node.keys
                    values = node.values
                    index = 0
                    return true
                }
            }
            return false
        }
    }
}

// MARK: - Bulk construction

extension PersistentSortedMap {
    /// A map of `elements`, which must be in strictly ascending key order, built bottom-up in
    /// O(n) — for filling a cache from a LIST or a snapshot, where inserting one by one would
    /// cost O(n log n) and an allocation per split.
    ///
    /// Falls back to inserting one by one when the keys are not strictly ascending.
    public init(sortedElements elements: some Collection<(key: Key, value: Value)>) {
        self.init()
        guard !elements.isEmpty else { return }
        guard zip(elements, elements.dropFirst()).allSatisfy({ $0.key < $1.key }) else {
            for element in elements { updateValue(element.value, forKey: element.key) }
            return
        }
        // Leaves of full fill except that the last two share what is left, so no node is below
        // the minimum; then each level above groups the one below the same way.
        let fill = Self.maximumFill
        var level: [(first: Key, node: Node)] = Self.chunks(of: Array(elements), size: fill).map { chunk in
            (chunk[chunk.startIndex].key, Node(leafKeys: chunk.map(\.key), values: chunk.map(\.value)))
        }
        while level.count > 1 {
            level = Self.chunks(of: level, size: fill).map { group in
                (group[group.startIndex].first, Node(innerKeys: group.dropFirst().map(\.first), children: group.map(\.node)))
            }
        }
        root = level[0].node
    }

    /// `items` cut into runs of `size`, the last two balanced so none is below `minimumFill`.
    private static func chunks<T>(of items: [T], size: Int) -> [ArraySlice<T>] {
        var result: [ArraySlice<T>] = []
        var start = 0
        while start < items.count {
            let remaining = items.count - start
            let count = remaining > size && remaining < size + minimumFill ? remaining / 2 : Swift.min(size, remaining)
            result.append(items[start..<(start + count)])
            start += count
        }
        return result
    }
}
