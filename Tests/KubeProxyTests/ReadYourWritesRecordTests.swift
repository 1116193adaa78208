import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeProxy

/// The fixes to what writes record (beside `WriteRecordsTests`): a delete right after a
/// create, the bound on deletions, and deletes whose answer is an object still there.
@Suite struct ReadYourWritesRecordTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let resource = CachedResource(APIResource(groupVersionResource: configMaps, kind: "ConfigMap", namespaced: true))
    static let key = ObjectKey(namespace: "ns", name: "a")

    static func store(at version: UInt64, holding uid: String? = nil) -> Store {
        var store = Store(resource: resource, resourceVersion: ResourceVersion(version))
        if let uid {
            let json = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","uid":"\#(uid)","resourceVersion":"\#(version)"}}"#
            store.put(try! CachedObject(json: Array(json.utf8)[...], resource: resource))
        }
        return store
    }

    static func conditions(_ requirement: WriteRecords.Requirement) -> [FreshnessCondition]? {
        if case .wait(let conditions) = requirement { return conditions }
        return nil
    }

    /// Create (RV 10) then delete, both before the cache has either: the object's absence at
    /// RV 9 proves nothing, so the deletion is kept and waited for after the create.
    @Test func aDeleteRightAfterItsCreateIsJudgedOnceTheCacheHasTheCreate() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        records.record(.resourceVersion(ResourceVersion(10)), for: Self.configMaps)
        records.record(.deleted(Self.key, uid: "u-1"), for: Self.configMaps)

        let before = Self.conditions(records.requirement(for: Self.configMaps, store: Self.store(at: 9)))
        #expect(before == [.resourceVersion(atLeast: ResourceVersion(10)), .objectGone(Self.key, uid: "u-1")])
        // The cache has the create: now the object must go.
        let created = Self.conditions(records.requirement(for: Self.configMaps, store: Self.store(at: 10, holding: "u-1")))
        #expect(created == [.objectGone(Self.key, uid: "u-1")])
        // And it has: nothing left.
        guard case .none = records.requirement(for: Self.configMaps, store: Self.store(at: 11)) else {
            Issue.record("the delete is in the cache")
            return
        }
        #expect(records.pendingResources == 0)
    }

    /// Without an earlier write pending, an absent object is gone, as before.
    @Test func aDeleteWithNothingPendingIsJudgedAtOnce() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        records.record(.deleted(Self.key, uid: "u-1"), for: Self.configMaps)
        guard case .none = records.requirement(for: Self.configMaps, store: Self.store(at: 9)) else {
            Issue.record("the object is not in the cache")
            return
        }
        #expect(records.pendingResources == 0)
    }

    /// Deletions that no read ever checks (informers read with RV "0"/N; eventual and strict
    /// modes check none) do not pile up: past the bound, reads go upstream for the window.
    @Test func deletionsAreBounded() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        let now = ContinuousClock.now
        for index in 0...WriteRecords.maxDeletionsPerResource {
            records.record(.deleted(ObjectKey(namespace: "ns", name: "o-\(index)"), uid: "u-\(index)"), for: Self.configMaps, now: now)
        }
        guard case .upstream = records.requirement(for: Self.configMaps, store: Self.store(at: 1), now: now) else {
            Issue.record("too many deletions: reads go upstream")
            return
        }
        guard case .none = records.requirement(for: Self.configMaps, store: Self.store(at: 1), now: now + .seconds(2)) else {
            Issue.record("after the window, nothing is left")
            return
        }
        #expect(records.pendingResources == 0)
    }

    /// A deletion whose object stays (a delete with `dryRun` in its body, which the answer
    /// does not show) is waited for at most `deletionLifetime`, not for the object's life.
    @Test func anUnsatisfiableDeletionExpires() {
        let records = WriteRecords(unknownWindow: .seconds(1))
        #expect(records.deletionLifetime == .seconds(10))
        let now = ContinuousClock.now
        records.record(.deleted(Self.key, uid: "u-1"), for: Self.configMaps, now: now)
        let store = Self.store(at: 20, holding: "u-1")
        #expect(Self.conditions(records.requirement(for: Self.configMaps, store: store, now: now + .seconds(9)))
            == [.objectGone(Self.key, uid: "u-1")])
        guard case .none = records.requirement(for: Self.configMaps, store: store, now: now + .seconds(11)) else {
            Issue.record("expired")
            return
        }
        #expect(records.pendingResources == 0)
    }

    // MARK: Deletes answered with the object

    static func info(_ path: String) -> RequestInfo {
        try! RequestInfo(method: "DELETE", uri: path)
    }

    /// `kubectl delete namespace`: the answer is the Namespace, Terminating until its
    /// `spec.finalizers` are done — an update, not a deletion to wait for.
    @Test func aTerminatingNamespaceIsAnUpdate() {
        let body = Array(#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"team","uid":"u-ns","resourceVersion":"31","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating"}}"#.utf8)
        #expect(WriteAnswer.outcome(method: "DELETE", info: Self.info("/api/v1/namespaces/team"), contentType: "application/json", body: body)
            == .resourceVersion(ResourceVersion(31)))
        let done = Array(#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"team","uid":"u-ns","resourceVersion":"31","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{},"status":{"phase":"Terminating"}}"#.utf8)
        #expect(WriteAnswer.outcome(method: "DELETE", info: Self.info("/api/v1/namespaces/team"), contentType: "application/json", body: done)
            == .deleted(ObjectKey(namespace: "", name: "team"), uid: "u-ns"))
    }

    /// A typed client-go client deleting a Pod gets the Pod back in protobuf, marked for a
    /// graceful deletion: an update (the Pod stays for its grace period), as in JSON.
    @Test(arguments: [
        ("graceful", Self.meta(deletion: true, grace: 30, finalizer: false), Outcome.update),
        ("finalizer", Self.meta(deletion: true, grace: 0, finalizer: true), Outcome.update),
        ("deleted at once", Self.meta(deletion: true, grace: 0, finalizer: false), Outcome.deleted),
        ("no deletionTimestamp", Self.meta(deletion: false, grace: 0, finalizer: false), Outcome.deleted),
    ])
    func protobufDeleteAnswers(_ name: String, _ meta: [UInt8], _ expected: Outcome) {
        let pod = Self.field(1, meta) + Self.field(2, Self.field(1, Array("volume".utf8)))  // metadata, spec{volumes}
        let body = ProtobufEnvelope.magic + Self.field(1, Self.field(1, Array("v1".utf8)) + Self.field(2, Array("Pod".utf8))) + Self.field(2, pod)
        let outcome = WriteAnswer.outcome(
            method: "DELETE", info: Self.info("/api/v1/namespaces/ns/pods/p"), contentType: "application/vnd.kubernetes.protobuf", body: body)
        switch expected {
        case .update: #expect(outcome == .resourceVersion(ResourceVersion(55)), "\(name)")
        case .deleted: #expect(outcome == .deleted(ObjectKey(namespace: "ns", name: "p"), uid: "u-p"), "\(name)")
        }
    }

    @Test func aMalformedProtobufDeleteAnswerIsUnknown() {
        var meta = Self.meta(deletion: true, grace: 30, finalizer: false)
        meta += [0x50]  // field 10 (varint) with its value missing
        let body = ProtobufEnvelope.magic + Self.field(1, Self.field(2, Array("Pod".utf8))) + Self.field(2, Self.field(1, meta))
        #expect(WriteAnswer.outcome(
            method: "DELETE", info: Self.info("/api/v1/namespaces/ns/pods/p"), contentType: "application/vnd.kubernetes.protobuf", body: body)
            == .unknown)
    }

    enum Outcome: Sendable { case update, deleted }

    static func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count < 128)
        return [number << 3 | 2, UInt8(bytes.count)] + bytes
    }

    /// ObjectMeta{name=1 "p", namespace=3 "ns", uid=5 "u-p", resourceVersion=6 "55",
    /// deletionTimestamp=9 Time{seconds=1}, deletionGracePeriodSeconds=10, finalizers=14}.
    static func meta(deletion: Bool, grace: UInt8, finalizer: Bool) -> [UInt8] {
        var meta = field(1, Array("p".utf8)) + field(3, Array("ns".utf8)) + field(5, Array("u-p".utf8)) + field(6, Array("55".utf8))
        if deletion { meta += field(9, [0x08, 0x80, 0xE1, 0xEB, 0xD0, 0x06]) }
        if grace > 0 { meta += [10 << 3 | 0, grace] }
        if finalizer { meta += field(14, Array("example.com/cleanup".utf8)) }
        return meta
    }
}
