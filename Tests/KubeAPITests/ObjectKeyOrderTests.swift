import Testing
import KubeAPI

@Suite struct ObjectKeyOrderTests {
    /// `<` agrees with comparing the storage keys' bytes, for keys built to hit every branch:
    /// equal namespaces, one namespace a prefix of the other, bytes below and above "/",
    /// cluster-scoped keys against namespaced ones, non-ASCII names.
    @Test func agreesWithTheStorageKeysBytes() {
        let namespaces = ["", "a", "a-b", "a.c", "a0", "ab", "b", "é", "e\u{301}"]
        let names = ["", "a", "a/b", "x", "x-1", "x.1", "x/", "é", "e\u{301}", "zz"]
        let keys = namespaces.flatMap { namespace in names.map { ObjectKey(namespace: namespace, name: $0) } }
        for left in keys {
            for right in keys {
                let expected = Array(left.storageKey.utf8).lexicographicallyPrecedes(Array(right.storageKey.utf8))
                #expect((left < right) == expected, "\(left.storageKey) < \(right.storageKey)")
                let sameBytes = Array(left.storageKey.utf8) == Array(right.storageKey.utf8)
                #expect((ObjectKey.compareStorageKeys(left, right) == 0) == sameBytes, "\(left.storageKey) vs \(right.storageKey)")
            }
        }
    }
}
