import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// Filtered watches: label-selector transitions (stops matching → DELETED with its previous
/// state at the changing event's RV; starts matching → ADDED), one object by name, one
/// namespace.
@Suite struct WatchFilterTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 0)
    static let configMaps = "/api/v1/namespaces/ns-0/configmaps"

    @Test(arguments: ConformanceTarget.allCases)
    func labelSelectorTransitionsAreAddedAndDeleted(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let stream = try await fixture.watch(
                "\(Self.configMaps)?watch=true&resourceVersion=\(fixture.upstreamResourceVersion)&labelSelector=color%3Dblue")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let startsMatching = try await fixture.patchConfigMap("ns-0", "cm-0", #"{"metadata":{"labels":{"color":"blue"}}}"#)
            let stillMatching = try await fixture.patchConfigMap("ns-0", "cm-0", #"{"data":{"more":"x"}}"#)
            let stopsMatching = try await fixture.patchConfigMap("ns-0", "cm-0", #"{"metadata":{"labels":{"color":"red"}}}"#)
            try await fixture.patchConfigMap("ns-0", "cm-1", #"{"data":{"unrelated":"x"}}"#)
            let events = try await stream.next(3)
            try #require(events.map(\.type) == ["ADDED", "MODIFIED", "DELETED"], "\(events)")
            #expect(events.map { $0.resourceVersion ?? "" } == [startsMatching, stillMatching, stopsMatching])
            let deleted = events[2]
            #expect(deleted.name == "cm-0")
            #expect(deleted.labels["color"] == "blue", "the previous state, the one that matched")
            #expect((deleted.object["data"] as? [String: String])?["more"] == "x")
            #expect(deleted.resourceVersion == stopsMatching, "with the RV of the change that made it stop matching")
            await #expect(throws: WatchStream.NoEvent.self) { try await stream.next(timeout: .milliseconds(300)) }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func oneObjectByName(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&fieldSelector=metadata.name%3Dcm-1")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let initial = try #require(try await stream.next())
            #expect(initial.type == "ADDED")
            #expect(initial.name == "cm-1")
            try await fixture.patchConfigMap("ns-0", "cm-0", #"{"data":{"a":"b"}}"#)
            try await fixture.patchConfigMap("ns-1", "cm-1", #"{"data":{"a":"b"}}"#)
            let modified = try await fixture.patchConfigMap("ns-0", "cm-1", #"{"data":{"a":"b"}}"#)
            let event = try #require(try await stream.next())
            #expect(event.type == "MODIFIED")
            #expect(event.namespace == "ns-0")
            #expect(event.name == "cm-1")
            #expect(event.resourceVersion == modified)
            try await fixture.deleteConfigMap("ns-0", "cm-1")
            let deleted = try #require(try await stream.next())
            #expect(deleted.type == "DELETED")
            #expect(deleted.name == "cm-1")
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func namespaceScopedWatchSeesOnlyItsNamespace(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let fromNow = try await fixture.watch(
                "/api/v1/namespaces/ns-1/configmaps?watch=1&resourceVersion=\(fixture.upstreamResourceVersion)")
            defer { fromNow.close() }
            fixture.expectFromCache(fromNow)
            let everything = try await fixture.watch("/api/v1/namespaces/ns-1/configmaps?watch=1")
            defer { everything.close() }
            fixture.expectFromCache(everything)
            let initial = try await everything.next(3)
            #expect(initial.map { "\($0.namespace ?? "")/\($0.name ?? "")" } == ["ns-1/cm-0", "ns-1/cm-1", "ns-1/cm-2"])

            try await fixture.createConfigMap("ns-0", "elsewhere")
            let here = try await fixture.createConfigMap("ns-1", "here")
            for stream in [fromNow, everything] {
                let event = try #require(try await stream.next())
                #expect(event.type == "ADDED")
                #expect(event.namespace == "ns-1")
                #expect(event.name == "here")
                #expect(event.resourceVersion == here)
            }
        }
    }
}
