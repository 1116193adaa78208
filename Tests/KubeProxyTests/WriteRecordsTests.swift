import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeProxy

@Suite struct WriteRecordsTests {
    let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    let resource = CachedResource(APIResource(
        groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "configmaps"),
        kind: "ConfigMap", namespaced: true))

    func object(_ name: String, rv: UInt64, uid: String) -> CachedObject {
        let json = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"\#(name)","namespace":"ns","uid":"\#(uid)","resourceVersion":"\#(rv)"}}"#
        return try! CachedObject(json: Array(json.utf8)[...], resource: resource)
    }

    @Test func readsOfUnwrittenResourcesNeverWait() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        guard case .none = records.requirement(for: configMaps, store: Store(resource: resource)) else {
            Issue.record("no write, no wait")
            return
        }
    }

    @Test func aWriteHoldsReadsUntilTheCacheHasItsRV() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        records.record(.resourceVersion(ResourceVersion(10)), for: configMaps)
        var store = Store(resource: resource, resourceVersion: ResourceVersion(9))
        guard case .wait(let conditions) = records.requirement(for: configMaps, store: store) else {
            Issue.record("the cache is behind the write")
            return
        }
        #expect(conditions == [.resourceVersion(atLeast: ResourceVersion(10))])
        store = Store(resource: resource, resourceVersion: ResourceVersion(10))
        guard case .none = records.requirement(for: configMaps, store: store) else {
            Issue.record("the cache has caught up")
            return
        }
        #expect(records.pendingResources == 0)
    }

    @Test func aDeleteHoldsReadsUntilThatObjectIsGone() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        let key = ObjectKey(namespace: "ns", name: "a")
        records.record(.deleted(key, uid: "u1"), for: configMaps)
        var store = Store(resource: resource, resourceVersion: ResourceVersion(5))
        store.put(object("a", rv: 5, uid: "u1"))
        guard case .wait = records.requirement(for: configMaps, store: store) else {
            Issue.record("the deleted object is still cached")
            return
        }
        // Re-created under the same name: a different object, so the delete is visible.
        store.put(object("a", rv: 6, uid: "u2"))
        guard case .none = records.requirement(for: configMaps, store: store) else {
            Issue.record("the old object is gone")
            return
        }
    }

    @Test func unknownOutcomesSendReadsUpstreamForAWhile() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        let now = ContinuousClock.now
        records.record(.unknown, for: configMaps, now: now)
        let store = Store(resource: resource)
        guard case .upstream = records.requirement(for: configMaps, store: store, now: now + .milliseconds(500)) else {
            Issue.record("within the window")
            return
        }
        guard case .none = records.requirement(for: configMaps, store: store, now: now + .seconds(2)) else {
            Issue.record("after the window")
            return
        }
    }
}

@Suite struct WriteAnswerTests {
    func info(_ method: String, _ path: String) -> RequestInfo {
        try! RequestInfo(method: method, uri: path)
    }

    @Test func createAnswersItsRV() {
        let body = Array(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"42"}}"#.utf8)
        let outcome = WriteAnswer.outcome(method: "POST", info: info("POST", "/api/v1/namespaces/ns/configmaps"), contentType: "application/json", body: body)
        #expect(outcome == .resourceVersion(ResourceVersion(42)))
    }

    @Test func deleteAnsweredWithAStatusNamesTheUID() {
        let body = Status.deleted(resource: "configmaps", name: "a", uid: "u-1").jsonBytes
        let outcome = WriteAnswer.outcome(method: "DELETE", info: info("DELETE", "/api/v1/namespaces/ns/configmaps/a"), contentType: "application/json", body: body)
        #expect(outcome == .deleted(ObjectKey(namespace: "ns", name: "a"), uid: "u-1"))
    }

    @Test func deleteWithFinalizersIsAnUpdate() {
        let body = Array(#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"ns","uid":"u","resourceVersion":"7","deletionTimestamp":"2026-01-01T00:00:00Z","finalizers":["x/y"]}}"#.utf8)
        let outcome = WriteAnswer.outcome(method: "DELETE", info: info("DELETE", "/api/v1/namespaces/ns/pods/p"), contentType: "application/json", body: body)
        #expect(outcome == .resourceVersion(ResourceVersion(7)))
    }

    @Test func deleteAnsweredWithTheGoneObject() {
        let body = Array(#"{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w","namespace":"ns","uid":"u-9","resourceVersion":"8"}}"#.utf8)
        let outcome = WriteAnswer.outcome(method: "DELETE", info: info("DELETE", "/apis/example.com/v1/namespaces/ns/widgets/w"), contentType: "application/json", body: body)
        #expect(outcome == .deleted(ObjectKey(namespace: "ns", name: "w"), uid: "u-9"))
    }

    @Test func deleteCollectionIsUnknown() {
        let outcome = WriteAnswer.outcome(method: "DELETE", info: info("DELETE", "/api/v1/namespaces/ns/configmaps"), contentType: "application/json", body: Array("{}".utf8))
        #expect(outcome == .unknown)
    }

    @Test func protobufAnswersAreRead() {
        // runtime.Unknown{typeMeta{apiVersion "v1", kind "ConfigMap"}, raw: ConfigMap{metadata{name, uid, resourceVersion}}}
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(bytes.count)] + bytes }
        let meta = field(1, Array("a".utf8)) + field(5, Array("u-1".utf8)) + field(6, Array("77".utf8))
        let raw = field(1, meta)
        let typeMeta = field(1, Array("v1".utf8)) + field(2, Array("ConfigMap".utf8))
        let body = ProtobufEnvelope.magic + field(1, typeMeta) + field(2, raw)
        let outcome = WriteAnswer.outcome(method: "PUT", info: info("PUT", "/api/v1/namespaces/ns/configmaps/a"), contentType: "application/vnd.kubernetes.protobuf", body: body)
        #expect(outcome == .resourceVersion(ResourceVersion(77)))
    }
}
