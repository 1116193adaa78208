import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// WATCH: start points, resume, 410, bookmarks, WatchList, timeouts, selectors.
@Suite struct WatchTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 3, podsPerNamespace: 0)
    static let configMaps = "/api/v1/namespaces/ns-0/configmaps"

    @Test func streamHeadIsChunkedJSON() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true")
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.header("Content-Type") == "application/json")
            #expect(stream.header("Transfer-Encoding") == "chunked")
        }
    }

    @Test(arguments: ["", "&resourceVersion=0"])
    func unsetOrZeroStartsWithSyntheticAdded(_ version: String) async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true\(version)")
            defer { stream.close() }
            let initial = try await stream.next(3)
            #expect(initial.map(\.type) == ["ADDED", "ADDED", "ADDED"])
            #expect(initial.map { $0.name ?? "" } == ["cm-0", "cm-1", "cm-2"])
            #expect(initial.allSatisfy { $0.object["kind"] as? String == "ConfigMap" && $0.object["apiVersion"] as? String == "v1" })
            try await fixture.createConfigMap("ns-0", "fresh")
            let added = try #require(try await stream.next())
            #expect(added.type == "ADDED")
            #expect(added.name == "fresh")
            #expect(added.resourceVersion == fixture.resourceVersion)
        }
    }

    @Test func resumeFromAResourceVersionReplaysOnlyLaterChanges() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let start = fixture.resourceVersion
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-1", #"{"data":{"x":"1"}}"#, contentType: "application/merge-patch+json")
            let modifiedAt = fixture.resourceVersion
            _ = try await fixture.delete("\(Self.configMaps)/cm-2")
            let deletedAt = fixture.resourceVersion
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(start)")
            defer { stream.close() }
            let events = try await stream.next(2)
            try #require(events.map(\.type) == ["MODIFIED", "DELETED"])
            #expect(events[0].resourceVersion == modifiedAt)
            #expect(events[1].name == "cm-2")
            #expect(events[1].resourceVersion == deletedAt, "DELETED carries the deletion's RV")
        }
    }

    @Test func tooOldResourceVersionIsAnErrorEventInA200Stream() async throws {
        var configuration = SimFixture.fastConfiguration
        configuration.historyLimit = 2
        try await SimFixture.with(configuration: configuration, seed: Self.seed) { fixture in
            for index in 0..<4 { try await fixture.createConfigMap("ns-0", "more-\(index)") }
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=2")
            #expect(stream.status == 200)
            let error = try #require(try await stream.next())
            #expect(error.type == "ERROR")
            #expect(error.object["kind"] as? String == "Status")
            #expect(error.object["code"] as? Int == 410)
            #expect(error.object["reason"] as? String == "Expired")
            let oldest = Int(fixture.resourceVersion)! - 2
            #expect(error.object["message"] as? String == "too old resource version: 2 (\(oldest))")
            #expect(try await stream.next() == nil)
            #expect(stream.endReason == .completed)
            // The oldest resumable RV itself still works.
            let resumed = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(oldest)")
            defer { resumed.close() }
            let replay = try await resumed.next(2)
            #expect(replay.map { $0.name ?? "" } == ["more-2", "more-3"])
        }
    }

    @Test func bookmarksArriveOnTheInterval() async throws {
        var configuration = SimFixture.fastConfiguration
        configuration.bookmarkInterval = .milliseconds(200)
        try await SimFixture.with(configuration: configuration, seed: Self.seed) { fixture in
            let rv = fixture.resourceVersion
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(rv)&allowWatchBookmarks=true")
            defer { stream.close() }
            let bookmark = try #require(try await stream.next(timeout: .seconds(30)))
            #expect(bookmark.type == "BOOKMARK")
            #expect(bookmark.resourceVersion == rv)
            #expect(bookmark.object["kind"] as? String == "ConfigMap")
            #expect(bookmark.name == nil)
            try await fixture.createConfigMap("ns-0", "after-bookmark")
            let next = try #require(try await stream.first { $0.type != "BOOKMARK" })
            #expect(next.name == "after-bookmark")
            let later = try #require(try await stream.first { $0.type == "BOOKMARK" })
            #expect(later.resourceVersion == fixture.resourceVersion)
        }
    }

    @Test func noBookmarksUnlessAsked() async throws {
        var configuration = SimFixture.fastConfiguration
        configuration.bookmarkInterval = .milliseconds(50)
        try await SimFixture.with(configuration: configuration, seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)")
            defer { stream.close() }
            await #expect(throws: WatchStream.NoEvent.self) { try await stream.next(timeout: .milliseconds(400)) }
        }
    }

    @Test func sendInitialEventsEndsWithAnAnnotatedBookmark() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let stream = try await fixture.watch(
                "\(Self.configMaps)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
            defer { stream.close() }
            let events = try await stream.next(4)
            try #require(events.map(\.type) == ["ADDED", "ADDED", "ADDED", "BOOKMARK"], "\(events)")
            #expect(events[3].annotations == ["k8s.io/initial-events-end": "true"])
            #expect(events[3].resourceVersion == fixture.resourceVersion)
            try await fixture.createConfigMap("ns-0", "later")
            #expect(try await stream.next()?.name == "later")
        }
    }

    @Test func legacyWatchFromZeroGetsTheEndBookmarkWhenBookmarksAreAllowed() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let withBookmarks = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=0&allowWatchBookmarks=true")
            defer { withBookmarks.close() }
            let events = try await withBookmarks.next(4)
            #expect(events.map(\.type) == ["ADDED", "ADDED", "ADDED", "BOOKMARK"])
            #expect(events.last?.annotations == ["k8s.io/initial-events-end": "true"])
            let explicitWithout = try await fixture.watch(
                "\(Self.configMaps)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan")
            defer { explicitWithout.close() }
            #expect(try await explicitWithout.next(3).count == 3)
            await #expect(throws: WatchStream.NoEvent.self) { try await explicitWithout.next(timeout: .milliseconds(300)) }
        }
    }

    @Test func sendInitialEventsRequiresNotOlderThan() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let response = try await fixture.get("\(Self.configMaps)?watch=true&sendInitialEvents=true")
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            let matchOnWatch = try await fixture.get("\(Self.configMaps)?watch=true&resourceVersion=1&resourceVersionMatch=NotOlderThan")
            #expect(matchOnWatch.status == 422)
        }
    }

    @Test func timeoutSecondsEndsTheStream() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let clock = ContinuousClock()
            let started = clock.now
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)&timeoutSeconds=1")
            // Nothing else would end this stream: no events are written to it.
            #expect(try await stream.waitForEnd(timeout: .seconds(60)) == .completed)
            #expect(clock.now - started >= .milliseconds(900), "not before the deadline")
        }
    }

    @Test func preDeadlineBookmark() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let stream = try await fixture.watch(
                "\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)&timeoutSeconds=3&allowWatchBookmarks=true")
            let bookmark = try #require(try await stream.next(timeout: .seconds(30)))
            #expect(bookmark.type == "BOOKMARK")
            #expect(try await stream.next(timeout: .seconds(30)) == nil)
        }
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.resourceVersion)&labelSelector=color%3Dblue")
            defer { stream.close() }
            let patch = "application/merge-patch+json"
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-0", #"{"metadata":{"labels":{"color":"blue"}}}"#, contentType: patch)
            let startRV = fixture.resourceVersion
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-0", #"{"data":{"more":"x"}}"#, contentType: patch)
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-0", #"{"metadata":{"labels":{"color":"red"}}}"#, contentType: patch)
            let stopRV = fixture.resourceVersion
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-1", #"{"data":{"ignored":"x"}}"#, contentType: patch)
            let events = try await stream.next(3)
            try #require(events.map(\.type) == ["ADDED", "MODIFIED", "DELETED"])
            #expect(events[0].resourceVersion == startRV)
            let deleted = events[2]
            #expect(deleted.labels["color"] == "blue", "the previous state")
            #expect(deleted.resourceVersion == stopRV, "with the RV of the change")
            await #expect(throws: WatchStream.NoEvent.self) { try await stream.next(timeout: .milliseconds(200)) }
        }
    }

    @Test func watchOneObjectByName() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let byField = try await fixture.watch("\(Self.configMaps)?watch=true&fieldSelector=metadata.name%3Dcm-1")
            defer { byField.close() }
            let legacy = try await fixture.watch("/api/v1/watch/namespaces/ns-0/configmaps/cm-1")
            defer { legacy.close() }
            for stream in [byField, legacy] {
                let initial = try #require(try await stream.next())
                #expect(initial.type == "ADDED")
                #expect(initial.name == "cm-1")
            }
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-0", #"{"data":{"a":"b"}}"#, contentType: "application/merge-patch+json")
            _ = try await fixture.send("PATCH", "\(Self.configMaps)/cm-1", #"{"data":{"a":"b"}}"#, contentType: "application/merge-patch+json")
            for stream in [byField, legacy] {
                let event = try #require(try await stream.next())
                #expect(event.type == "MODIFIED")
                #expect(event.name == "cm-1")
            }
            // A GET of a named object ignores ?watch, as the API server's GET handler does.
            let named = try await fixture.get("\(Self.configMaps)/cm-1?watch=true")
            #expect(named.object["kind"] as? String == "ConfigMap")
            let mismatch = try await fixture.get("/api/v1/watch/namespaces/ns-0/configmaps/cm-1?fieldSelector=metadata.name%3Dcm-0")
            #expect(mismatch.status == 400)
        }
    }

    @Test func watchFromAFutureResourceVersionDeliversOnlyLaterEvents() async throws {
        try await SimFixture.with(seed: Self.seed) { fixture in
            let future = Int(fixture.resourceVersion)! + 2
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(future)")
            defer { stream.close() }
            for index in 0..<3 { try await fixture.createConfigMap("ns-0", "f-\(index)") }
            let event = try #require(try await stream.next())
            #expect(event.name == "f-2")
            #expect(event.resourceVersion == String(future + 1))
        }
    }

    @Test func namespaceScopedWatchSeesOnlyItsNamespace() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 2, configMapsPerNamespace: 0, podsPerNamespace: 0)) { fixture in
            let stream = try await fixture.watch("/api/v1/namespaces/ns-1/configmaps?watch=1&resourceVersion=\(fixture.resourceVersion)")
            defer { stream.close() }
            try await fixture.createConfigMap("ns-0", "elsewhere")
            try await fixture.createConfigMap("ns-1", "here")
            let event = try #require(try await stream.next())
            #expect(event.namespace == "ns-1")
            #expect(event.name == "here")
        }
    }
}
