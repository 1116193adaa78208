import KubeAPI
import Testing

/// Object keys compare, order and hash by the bytes of their storage keys, as etcd does.
@Suite struct ObjectKeyTests {
    /// Pairs of keys that `String ==` finds canonically equivalent but whose bytes differ.
    static let equivalentSpellings: [(ObjectKey, ObjectKey)] = [
        (ObjectKey(namespace: "a", name: "caf\u{e9}"), ObjectKey(namespace: "a", name: "cafe\u{301}")),
        (ObjectKey(name: "\u{212A}"), ObjectKey(name: "K")),
        (ObjectKey(namespace: "a", name: "x\u{37E}"), ObjectKey(namespace: "a", name: "x;")),
    ]

    @Test(arguments: equivalentSpellings)
    func differentBytesAreDifferentKeys(_ left: ObjectKey, _ right: ObjectKey) {
        #expect(left != right)
        #expect((left < right) != (right < left))
        #expect(Set([left, right]).count == 2)
        #expect(ObjectKey.compareStorageKeys(left, right) != 0)
    }

    @Test func equalBytesAreEqualKeysWithEqualHashes() {
        let key = ObjectKey(namespace: "ns", name: "caf\u{e9}")
        let same = ObjectKey(namespace: String("ns"), name: "caf" + "\u{e9}")
        #expect(key == same && !(key < same) && !(same < key))
        #expect(key.hashValue == same.hashValue)
        // The split between namespace and name is part of the key.
        #expect(ObjectKey(namespace: "ab", name: "c") != ObjectKey(namespace: "a", name: "bc"))
        #expect(Set([ObjectKey(namespace: "ab", name: "c"), ObjectKey(namespace: "a", name: "bc")]).count == 2)
    }
}
