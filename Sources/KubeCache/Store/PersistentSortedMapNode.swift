/// One node of a `PersistentSortedMap`'s B+ tree.
///
/// A leaf holds up to `maximumFill` elements as parallel `keys`/`values`/`summaries` arrays in
/// ascending order (`summaries[i]` is `values[i].scanSummary`, kept beside the value so a scan
/// can skip elements without touching them). An inner node holds `children` and `keys.count == children.count - 1` separators:
/// `keys[i]` is the smallest key in `children[i + 1]`, so a key `k` belongs to the child at
/// the number of separators `<= k`. `count` is the number of elements in the subtree.
///
/// Nodes are mutated only while uniquely referenced (the map copies a shared node before it
/// touches it), which is what makes every published snapshot immutable.
final class PersistentSortedMapNode<Key: Comparable & Sendable, Value: ScanSummarizable>: @unchecked Sendable {
    typealias Map = PersistentSortedMap<Key, Value>

    var keys: [Key]
    var values: [Value]
    var summaries: [UInt64]
    var children: [PersistentSortedMapNode]
    var count: Int
    let isLeaf: Bool

    init(leafKeys: [Key], values: [Value]) {
        keys = leafKeys
        self.values = values
        summaries = values.map(\.scanSummary)
        children = []
        count = leafKeys.count
        isLeaf = true
    }

    init(leafKeys: [Key], values: [Value], summaries: [UInt64]) {
        keys = leafKeys
        self.values = values
        self.summaries = summaries
        children = []
        count = leafKeys.count
        isLeaf = true
    }

    init(innerKeys: [Key], children: [PersistentSortedMapNode]) {
        keys = innerKeys
        values = []
        summaries = []
        self.children = children
        count = children.reduce(0) { $0 + $1.count }
        isLeaf = false
    }

    func copy() -> PersistentSortedMapNode {
        isLeaf ? PersistentSortedMapNode(leafKeys: keys, values: values, summaries: summaries)
            : PersistentSortedMapNode(innerKeys: keys, children: children)
    }

    /// Index of the first key `>= key`.
    func lowerBound(_ key: Key) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// For an inner node: the child whose range holds `key` (number of separators `<= key`).
    func childIndex(for key: Key) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Makes `children[index]` uniquely referenced by this node, copying it if shared.
    private func uniqueChild(_ index: Int) -> PersistentSortedMapNode {
        if !isKnownUniquelyReferenced(&children[index]) {
            children[index] = children[index].copy()
        }
        return children[index]
    }

    // MARK: Insert

    /// Inserts or replaces; returns the replaced value and, when this node overflowed, the
    /// separator and new right sibling the parent must adopt.
    func insert(_ value: Value, forKey key: Key) -> (Value?, (Key, PersistentSortedMapNode)?) {
        if isLeaf {
            let index = lowerBound(key)
            if index < keys.count, keys[index] == key {
                let old = values[index]
                values[index] = value
                summaries[index] = value.scanSummary
                return (old, nil)
            }
            keys.insert(key, at: index)
            values.insert(value, at: index)
            summaries.insert(value.scanSummary, at: index)
            count += 1
            return (nil, splitIfNeeded())
        }
        let index = childIndex(for: key)
        let child = uniqueChild(index)
        let (replaced, split) = child.insert(value, forKey: key)
        if replaced == nil { count += 1 }
        if let (separator, sibling) = split {
            keys.insert(separator, at: index)
            children.insert(sibling, at: index + 1)
        }
        return (replaced, splitIfNeeded())
    }

    private func splitIfNeeded() -> (Key, PersistentSortedMapNode)? {
        if isLeaf {
            guard keys.count > Map.maximumFill else { return nil }
            let half = keys.count / 2
            let sibling = PersistentSortedMapNode(
                leafKeys: Array(keys[half...]), values: Array(values[half...]), summaries: Array(summaries[half...]))
            keys.removeSubrange(half...)
            values.removeSubrange(half...)
            summaries.removeSubrange(half...)
            count = keys.count
            return (sibling.keys[0], sibling)
        }
        guard children.count > Map.maximumFill else { return nil }
        let half = children.count / 2
        // keys[half - 1] separates the halves and moves up to the parent.
        let separator = keys[half - 1]
        let sibling = PersistentSortedMapNode(innerKeys: Array(keys[half...]), children: Array(children[half...]))
        keys.removeSubrange((half - 1)...)
        children.removeSubrange(half...)
        count -= sibling.count
        return (separator, sibling)
    }

    // MARK: Remove

    /// Removes `key`, which the caller has checked is present, and rebalances any child that
    /// fell below `minimumFill`.
    func remove(_ key: Key) -> Value? {
        if isLeaf {
            let index = lowerBound(key)
            guard index < keys.count, keys[index] == key else { return nil }
            keys.remove(at: index)
            summaries.remove(at: index)
            count -= 1
            return values.remove(at: index)
        }
        let index = childIndex(for: key)
        let child = uniqueChild(index)
        guard let removed = child.remove(key) else { return nil }
        count -= 1
        if child.fill < Map.minimumFill { rebalance(at: index) }
        return removed
    }

    private var fill: Int { isLeaf ? keys.count : children.count }

    /// Borrows from or merges with a neighbour of the underfull child at `index`.
    private func rebalance(at index: Int) {
        guard children.count > 1 else { return }
        let leftIndex = index > 0 ? index - 1 : index
        let left = uniqueChild(leftIndex)
        let right = uniqueChild(leftIndex + 1)
        if left.fill + right.fill <= Map.maximumFill {
            merge(left, right, separatorIndex: leftIndex)
        } else if left.fill > right.fill {
            moveLast(of: left, toFrontOf: right, separatorIndex: leftIndex)
        } else {
            moveFirst(of: right, toEndOf: left, separatorIndex: leftIndex)
        }
    }

    private func merge(_ left: PersistentSortedMapNode, _ right: PersistentSortedMapNode, separatorIndex: Int) {
        if left.isLeaf {
            left.keys.append(contentsOf: right.keys)
            left.values.append(contentsOf: right.values)
            left.summaries.append(contentsOf: right.summaries)
        } else {
            left.keys.append(keys[separatorIndex])
            left.keys.append(contentsOf: right.keys)
            left.children.append(contentsOf: right.children)
        }
        left.count += right.count
        keys.remove(at: separatorIndex)
        children.remove(at: separatorIndex + 1)
    }

    private func moveLast(of left: PersistentSortedMapNode, toFrontOf right: PersistentSortedMapNode, separatorIndex: Int) {
        if left.isLeaf {
            right.keys.insert(left.keys.removeLast(), at: 0)
            right.values.insert(left.values.removeLast(), at: 0)
            right.summaries.insert(left.summaries.removeLast(), at: 0)
            left.count -= 1
            right.count += 1
            keys[separatorIndex] = right.keys[0]
        } else {
            let moved = left.children.removeLast()
            right.children.insert(moved, at: 0)
            right.keys.insert(keys[separatorIndex], at: 0)
            keys[separatorIndex] = left.keys.removeLast()
            left.count -= moved.count
            right.count += moved.count
        }
    }

    private func moveFirst(of right: PersistentSortedMapNode, toEndOf left: PersistentSortedMapNode, separatorIndex: Int) {
        if right.isLeaf {
            left.keys.append(right.keys.removeFirst())
            left.values.append(right.values.removeFirst())
            left.summaries.append(right.summaries.removeFirst())
            left.count += 1
            right.count -= 1
            keys[separatorIndex] = right.keys[0]
        } else {
            let moved = right.children.removeFirst()
            left.children.append(moved)
            left.keys.append(keys[separatorIndex])
            keys[separatorIndex] = right.keys.removeFirst()
            left.count += moved.count
            right.count -= moved.count
        }
    }
}
