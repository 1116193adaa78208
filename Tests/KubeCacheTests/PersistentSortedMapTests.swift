import Testing
@testable import KubeCache

/// A seeded generator so a failing run can be replayed (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PersistentSortedMapTests {
    @Test func emptyMap() {
        let map = PersistentSortedMap<Int, String>()
        #expect(map.isEmpty)
        #expect(map[1] == nil)
        #expect(Array(map).isEmpty)
        #expect(map.rank(of: 5) == 0)
        #expect(map.first == nil)
    }

    @Test func insertReplaceRemove() {
        var map = PersistentSortedMap<Int, String>()
        #expect(map.updateValue("a", forKey: 2) == nil)
        #expect(map.updateValue("b", forKey: 1) == nil)
        #expect(map.updateValue("c", forKey: 2) == "a")
        #expect(map.count == 2)
        #expect(map.map(\.key) == [1, 2])
        #expect(map[2] == "c")
        #expect(map.removeValue(forKey: 3) == nil)
        #expect(map.removeValue(forKey: 1) == "b")
        #expect(map.map(\.value) == ["c"])
    }

    /// Random inserts and removals checked after every step against a sorted reference, across
    /// enough elements to split and merge nodes at several levels.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func matchesReferenceUnderRandomOperations(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var map = PersistentSortedMap<Int, Int>()
        var reference: [Int: Int] = [:]
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<5_000, using: &random)
            if Int.random(in: 0..<3, using: &random) == 0 {
                #expect(map.removeValue(forKey: key) == reference.removeValue(forKey: key))
            } else {
                #expect(map.updateValue(step, forKey: key) == reference.updateValue(step, forKey: key))
            }
            if step % 997 == 0 {
                let sorted = reference.sorted { $0.key < $1.key }
                #expect(map.map(\.key) == sorted.map(\.key), "seed \(seed) step \(step)")
                #expect(map.map(\.value) == sorted.map(\.value))
                #expect(map.count == reference.count)
                map.root.checkInvariants(isRoot: true)
            }
        }
        // Drain completely: merges all the way up.
        for key in reference.keys.shuffled(using: &random) {
            #expect(map.removeValue(forKey: key) != nil)
        }
        #expect(map.isEmpty)
        #expect(map.root.isLeaf)
    }

    @Test func snapshotsAreUnaffectedByLaterChanges() {
        var map = PersistentSortedMap<Int, Int>()
        for key in 0..<10_000 { map.updateValue(key, forKey: key) }
        let snapshot = map
        for key in stride(from: 0, to: 10_000, by: 2) { map.removeValue(forKey: key) }
        for key in 10_000..<12_000 { map.updateValue(key, forKey: key) }
        map.updateValue(-1, forKey: 1)
        #expect(snapshot.count == 10_000)
        #expect(Array(snapshot.map(\.key)) == Array(0..<10_000))
        #expect(snapshot[1] == 1)
        #expect(map[1] == -1)
        #expect(map.count == 5_000 + 2_000)
        snapshot.root.checkInvariants(isRoot: true)
        map.root.checkInvariants(isRoot: true)
    }

    @Test func iterationFromKeyAndRank() {
        var map = PersistentSortedMap<Int, Int>()
        for key in stride(from: 0, to: 30_000, by: 3) { map.updateValue(key, forKey: key) }
        for start in [-5, 0, 1, 2, 3, 4_500, 4_501, 29_997, 29_998, 40_000] {
            let expected = stride(from: 0, to: 30_000, by: 3).filter { $0 >= start }
            #expect(Array(map.elements(from: start).map(\.key)) == expected, "from \(start)")
            #expect(map.rank(of: start) == 10_000 - expected.count, "rank of \(start)")
        }
    }

    @Test func iteratorKeepsItsSnapshotWhileTheMapChanges() {
        var map = PersistentSortedMap<Int, Int>()
        for key in 0..<1_000 { map.updateValue(key, forKey: key) }
        var iterator = map.makeIterator()
        var seen: [Int] = []
        while let element = iterator.next() {
            seen.append(element.key)
            map.removeValue(forKey: element.key + 1)
        }
        #expect(seen == Array(0..<1_000))
    }
}

extension PersistentSortedMapNode {
    /// Checks ordering, separators, counts, fill bounds and uniform leaf depth.
    @discardableResult
    func checkInvariants(isRoot: Bool, lower: Key? = nil, upper: Key? = nil) -> Int {
        if !isRoot { #expect(fillForTests >= Map.minimumFill) }
        #expect(fillForTests <= Map.maximumFill)
        for index in keys.indices.dropFirst() { #expect(keys[index - 1] < keys[index]) }
        if isLeaf {
            #expect(count == keys.count)
            if let lower, let first = keys.first { #expect(first >= lower) }
            if let upper, let last = keys.last { #expect(last < upper) }
            return 1
        }
        #expect(keys.count == children.count - 1)
        #expect(count == children.reduce(0) { $0 + $1.count })
        var depths: Set<Int> = []
        for (index, child) in children.enumerated() {
            let childLower = index == 0 ? lower : keys[index - 1]
            let childUpper = index == keys.count ? upper : keys[index]
            depths.insert(child.checkInvariants(isRoot: false, lower: childLower, upper: childUpper))
        }
        #expect(depths.count == 1)
        return (depths.first ?? 0) + 1
    }

    var fillForTests: Int { isLeaf ? keys.count : children.count }
}

@Suite struct PersistentSortedMapBulkTests {
    @Test(arguments: [0, 1, 63, 64, 65, 64 + 15, 64 + 16, 64 * 64, 64 * 64 + 1, 100_003])
    func bulkBuildMatchesInserts(count: Int) {
        let elements = (0..<count).map { (key: $0 * 2, value: $0) }
        var map = PersistentSortedMap<Int, Int>(sortedElements: elements)
        #expect(map.count == count)
        #expect(map.map(\.key) == elements.map(\.key))
        if count > 0 { map.root.checkInvariants(isRoot: true) }
        // It stays a correct tree under later changes.
        map.updateValue(-1, forKey: 1)
        map.removeValue(forKey: 0)
        #expect(map[1] == -1)
        #expect(map.count == Swift.max(count, 1), "key 1 added, key 0 removed when it was there")
        map.root.checkInvariants(isRoot: true)
    }

    @Test func unsortedInputFallsBackToInserts() {
        let map = PersistentSortedMap<Int, Int>(sortedElements: [(key: 3, value: 3), (key: 1, value: 1), (key: 3, value: 4)])
        #expect(map.map(\.key) == [1, 3])
        #expect(map[3] == 4)
    }
}

extension Int: ScanSummarizable {
    /// Tests summarize an Int as its low 64 bits, so scans can be checked against a filter.
    public var scanSummary: UInt64 { UInt64(truncatingIfNeeded: self) }
}

extension String: ScanSummarizable {
    public var scanSummary: UInt64 { 0 }
}

@Suite struct PersistentSortedMapSummaryTests {
    @Test func summaryScanYieldsExactlyTheElementsWithTheRequiredBits() {
        var generator = SeededGenerator(seed: 7)
        var map = PersistentSortedMap<Int, Int>()
        var model: [Int: Int] = [:]
        for step in 0..<5_000 {
            let key = Int.random(in: 0..<2_000, using: &generator)
            if step % 3 == 2 {
                map.removeValue(forKey: key)
                model[key] = nil
            } else {
                let value = Int.random(in: 0..<256, using: &generator)
                map.updateValue(value, forKey: key)
                model[key] = value
            }
        }
        for required in [0, 1, 3, 0x10, 0x81, 0xFF] as [UInt64] {
            var iterator = map.makeIterator()
            var scanned: [Int] = []
            while let (key, value) = iterator.next(summaryContaining: required) {
                #expect(UInt64(value) & required == required)
                scanned.append(key)
            }
            let expected = model.filter { UInt64($0.value) & required == required }.keys.sorted()
            #expect(scanned == expected, "required bits \(required)")
        }
    }
}
