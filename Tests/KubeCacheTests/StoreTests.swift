import Foundation
import KubeAPI
import Testing
@testable import KubeCache

@Suite struct StoreTests {
    @Test func iteratesInStorageKeyOrder() {
        var store = Store(resource: Fixtures.configMaps)
        for (namespace, name) in [("a", "x"), ("a-b", "x"), ("b", "a"), ("a", "a"), ("a.c", "z")] {
            store.put(Fixtures.object(namespace: namespace, name: name, rv: 1))
        }
        // "-" (0x2D) and "." (0x2E) sort before "/" (0x2F): a-b/x and a.c/z come before a/a.
        #expect(store.objects.map(\.key.storageKey) == ["a-b/x", "a.c/z", "a/a", "a/x", "b/a"])
    }

    @Test func namespaceRangeAndCounts() {
        var store = Store(resource: Fixtures.configMaps)
        for namespace in ["ns", "ns-1", "ns0", "ns0-", "nsa", "n"] {
            for index in 0..<3 { store.put(Fixtures.object(namespace: namespace, name: "o\(index)", rv: 1)) }
        }
        #expect(store.objects(namespace: "ns", from: nil).map(\.key.storageKey) == ["ns/o0", "ns/o1", "ns/o2"])
        #expect(store.objects(namespace: "ns0", from: nil).map(\.key.name) == ["o0", "o1", "o2"])
        #expect(store.objects(namespace: "ns", from: ObjectKey(namespace: "ns", name: "o1")).map(\.key.name) == ["o1", "o2"])
        #expect(store.count(namespace: "ns", from: ObjectKey(namespace: "ns", name: "o0\u{0}")) == 2)
        #expect(store.count(namespace: "ns0", from: ObjectKey(namespace: "ns0", name: "")) == 3)
        // From "ns0/": ns0 and nsa; "ns0-/…" sorts before "ns0/" ("-" < "/").
        #expect(store.count(namespace: "", from: ObjectKey(namespace: "ns0", name: "")) == 6)
        #expect(store.count(namespace: "ns0-", from: ObjectKey(namespace: "ns0-", name: "")) == 3)
        #expect(store.objects(namespace: "absent", from: nil).map(\.key).isEmpty)
    }

    @Test func nodeNameIndexFollowsChanges() {
        var store = Store(resource: Fixtures.pods)
        store.put(Fixtures.object(Fixtures.pods, namespace: "a", name: "p1", rv: 1, nodeName: "n1"))
        store.put(Fixtures.object(Fixtures.pods, namespace: "b", name: "p2", rv: 2, nodeName: "n1"))
        store.put(Fixtures.object(Fixtures.pods, namespace: "a", name: "p3", rv: 3))
        #expect(store.keys(onNode: "n1") == [ObjectKey(namespace: "a", name: "p1"), ObjectKey(namespace: "b", name: "p2")])
        store.put(Fixtures.object(Fixtures.pods, namespace: "a", name: "p1", rv: 4, nodeName: "n2"))
        store.remove(ObjectKey(namespace: "b", name: "p2"))
        #expect(store.keys(onNode: "n1") == [])
        #expect(store.keys(onNode: "n2") == [ObjectKey(namespace: "a", name: "p1")])
        #expect(Store(resource: Fixtures.configMaps).keys(onNode: "n1") == nil)
    }

    /// RBAC names are path segments and may be any Unicode: names that differ in bytes are two
    /// objects in etcd, even when Swift's `String ==` finds them canonically equivalent.
    @Test func keepsCanonicallyEquivalentNamesApart() {
        var store = Store(resource: Fixtures.configMaps)
        store.put(Fixtures.object(namespace: "a", name: "caf\u{e9}", rv: 1))
        store.put(Fixtures.object(namespace: "a", name: "cafe\u{301}", rv: 2))
        #expect(store.objects.map { Array($0.key.name.utf8) } == [Array("cafe\u{301}".utf8), Array("caf\u{e9}".utf8)])
        store.remove(ObjectKey(namespace: "a", name: "cafe\u{301}"))
        #expect(store.objects.map { Array($0.key.name.utf8) } == [Array("caf\u{e9}".utf8)])
    }

    @Test func byteCountTracksObjects() {
        var store = Store(resource: Fixtures.configMaps)
        let first = Fixtures.object(namespace: "a", name: "x", rv: 1)
        store.put(first)
        #expect(store.byteCount == first.footprint)
        let second = Fixtures.object(namespace: "a", name: "x", rv: 2, data: ["k": String(repeating: "v", count: 100)])
        store.put(second)
        #expect(store.byteCount == second.footprint)
        store.remove(second.key)
        #expect(store.byteCount == 0)
    }
}

@Suite struct StoreDifferenceTests {
    @Test func reportsUpsertsAndRemovalsOnly() {
        var old = Store(resource: Fixtures.configMaps)
        for index in 0..<100 { old.put(Fixtures.object(namespace: "a", name: "o\(index)", rv: UInt64(index + 1))) }
        var new = old
        new.put(Fixtures.object(namespace: "a", name: "o5", rv: 200))
        new.put(Fixtures.object(namespace: "a", name: "zz", rv: 201))
        new.remove(ObjectKey(namespace: "a", name: "o7"))
        // Same RV and UID from another instance (a relist that found it unchanged): no change.
        new.put(Fixtures.object(namespace: "a", name: "o9", rv: 10))
        let changes = new.changes(since: old)
        #expect(changes.upserted.map(\.key.name) == ["o5", "zz"])
        #expect(changes.removed.map(\.name) == ["o7"])
        #expect(old.changes(since: old).isEmpty)
    }
}

@Suite struct CachedObjectConstructionTests {
    @Test(arguments: [
        #"{"metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"5","labels":{"x":"y"}},"data":{"k":"v"}}"#,
        #"  {  "metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"5","labels":{"x":"y"}},"data":{"k":"v"}}"#,
        #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"5","labels":{"x":"y"}},"data":{"k":"v"}}"#,
        #"{"data":{"k":"v"},"apiVersion":"v1","metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"5","labels":{"x":"y"}}}"#,
    ])
    func listItemsGetTheirTypeMetaBack(json: String) throws {
        // A LIST page body around the item, so the item is a slice with a nonzero start.
        let page = Array(#"{"items":["#.utf8) + Array(json.utf8) + Array("]}".utf8)
        let item = page[10..<(page.count - 2)]
        let object = try CachedObject.fromListItem(item, resource: Fixtures.configMaps)
        let decoded = try JSONSerialization.jsonObject(with: Data(object.bytes)) as! [String: Any]
        #expect(decoded["kind"] as? String == "ConfigMap")
        #expect(decoded["apiVersion"] as? String == "v1")
        #expect((decoded["data"] as? [String: String]) == ["k": "v"])
        #expect(object.key == ObjectKey(namespace: "ns", name: "a"))
        #expect(object.resourceVersion == ResourceVersion(5))
        #expect(object.labels["x"] == "y")
        let metadata = try JSONSerialization.jsonObject(with: Data(object.metadataBytes)) as! [String: Any]
        #expect(metadata["uid"] as? String == "u")
    }

    @Test func watchEventsShareTheirLine() throws {
        let json = Array(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"7"}}"#.utf8)
        let prefix = Array(#"{"type":"MODIFIED","object":"#.utf8)
        let received = prefix + json + Array("}".utf8)
        let objectSlice = received[prefix.count..<(prefix.count + json.count)]
        let (object, line) = try CachedObject.fromWatchEvent(.modified, object: objectSlice, resource: Fixtures.configMaps)
        #expect(String(decoding: line, as: UTF8.self) == #"{"type":"MODIFIED","object":"# + String(decoding: json, as: UTF8.self) + "}\n")
        #expect(Array(object.bytes) == json)
        #expect(object.resourceVersion == ResourceVersion(7))
        let metadata = try JSONSerialization.jsonObject(with: Data(object.metadataBytes)) as! [String: Any]
        #expect(metadata["name"] as? String == "a")
    }
}
