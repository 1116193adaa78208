import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// WATCH start points: RV unset or "0" (synthetic ADDED for everything, then changes), N (only
/// later changes, no synthetic events), too old (a 410 ERROR event in a 200 stream, then the
/// end); and the RV a DELETED event carries.
@Suite struct WatchStartTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 3, podsPerNamespace: 0)
    static let configMaps = "/api/v1/namespaces/ns-0/configmaps"

    @Test(arguments: ConformanceTarget.allCases, ["", "&resourceVersion=0"])
    func unsetOrZeroStartsWithAddedForEveryObject(_ target: ConformanceTarget, _ version: String) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let list = try await fixture.get(Self.configMaps)
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true\(version)")
            defer { stream.close() }
            #expect(stream.status == 200)
            fixture.expectFromCache(stream)
            #expect(stream.header("Content-Type") == "application/json")
            #expect(stream.header("Transfer-Encoding") == "chunked")
            let initial = try await stream.next(3)
            #expect(initial.map(\.type) == ["ADDED", "ADDED", "ADDED"])
            #expect(initial.map { $0.name ?? "" } == ["cm-0", "cm-1", "cm-2"])
            #expect(initial.map { $0.resourceVersion ?? "" } == list.items.map { ($0["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? "" })
            #expect(initial.allSatisfy { $0.object["kind"] as? String == "ConfigMap" && $0.object["apiVersion"] as? String == "v1" },
                    "watch objects carry kind and apiVersion")

            let written = try await fixture.createConfigMap("ns-0", "fresh")
            let added = try #require(try await stream.next())
            #expect(added.type == "ADDED")
            #expect(added.name == "fresh")
            #expect(added.resourceVersion == written)
            #expect(added.object["kind"] as? String == "ConfigMap")
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func numberDeliversOnlyLaterChanges(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let start = fixture.upstreamResourceVersion
            let modified = try await fixture.patchConfigMap("ns-0", "cm-1", #"{"data":{"x":"1"}}"#)
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(start)")
            defer { stream.close() }
            #expect(stream.status == 200)
            fixture.expectFromCache(stream)
            let replayed = try #require(try await stream.next())
            #expect(replayed.type == "MODIFIED", "no synthetic ADDED, only what happened after \(start)")
            #expect(replayed.name == "cm-1")
            #expect(replayed.resourceVersion == modified)
            #expect((replayed.object["data"] as? [String: String])?["x"] == "1")

            let live = try await fixture.createConfigMap("ns-0", "live")
            let added = try #require(try await stream.next())
            #expect(added.type == "ADDED")
            #expect(added.name == "live")
            #expect(added.resourceVersion == live)
            await #expect(throws: WatchStream.NoEvent.self) { try await stream.next(timeout: .milliseconds(300)) }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func deletedCarriesTheDeletionsResourceVersion(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.upstreamResourceVersion)")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let lastWrite = try await fixture.patchConfigMap("ns-0", "cm-2", #"{"data":{"last":"state"}}"#)
            try await fixture.deleteConfigMap("ns-0", "cm-2")
            let deletedAt = fixture.upstreamResourceVersion
            #expect(deletedAt != lastWrite)
            let events = try await stream.next(2)
            try #require(events.map(\.type) == ["MODIFIED", "DELETED"], "\(events)")
            let deleted = events[1]
            #expect(deleted.name == "cm-2")
            #expect(deleted.resourceVersion == deletedAt, "the deletion's RV, not the object's last one (\(lastWrite))")
            #expect((deleted.object["data"] as? [String: String])?["last"] == "state", "the object's last state")
            #expect(deleted.object["kind"] as? String == "ConfigMap")
        }
    }

    /// An RV older than what the server holds. KubeSim forgets its history on `/_sim/compact`;
    /// kcache's history starts at the LIST it synced from, so an RV from before the test's
    /// servers started (here "2", a seeded object's) is too old for both.
    @Test(arguments: ConformanceTarget.allCases)
    func tooOldIsAnExpiredErrorEventThenTheEnd(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            try await fixture.createConfigMap("ns-0", "after-start")
            fixture.sim.faults.compactHistory()
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=2")
            #expect(stream.status == 200)
            fixture.expectFromCache(stream)
            let error = try #require(try await stream.next())
            #expect(error.type == "ERROR")
            #expect(error.object["kind"] as? String == "Status")
            #expect(error.object["apiVersion"] as? String == "v1")
            #expect(error.object["status"] as? String == "Failure")
            #expect(error.object["code"] as? Int == 410)
            #expect(error.object["reason"] as? String == "Expired")
            #expect((error.object["message"] as? String)?.hasPrefix("too old resource version: 2 (") == true, "\(error)")
            #expect(try await stream.next() == nil, "the stream ends after the error")
            #expect(stream.endReason == .completed)
        }
    }
}
