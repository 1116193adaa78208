import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// WATCH options: bookmarks, `sendInitialEvents` (WatchList), `timeoutSeconds`.
@Suite struct WatchOptionTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 3, podsPerNamespace: 0)
    static let configMaps = "/api/v1/namespaces/ns-0/configmaps"

    @Test(arguments: ConformanceTarget.allCases)
    func bookmarksWhenAllowed(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let start = fixture.upstreamResourceVersion
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(start)&allowWatchBookmarks=true")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let bookmark = try #require(try await stream.next(timeout: .seconds(3)))
            #expect(bookmark.type == "BOOKMARK")
            #expect(bookmark.resourceVersion == start)
            #expect(bookmark.object["kind"] as? String == "ConfigMap")
            #expect(bookmark.object["apiVersion"] as? String == "v1")
            #expect(Set(bookmark.object.keys) == ["kind", "apiVersion", "metadata"])
            #expect(Set(bookmark.metadata.keys) == ["resourceVersion"], "a bookmark's object has only its RV: \(bookmark)")

            // Changes while bookmarks flow; a bookmark must never be behind an event already
            // sent (a client resuming from it would receive that event again).
            var written: [String] = []
            for index in 0..<5 {
                written.append(try await fixture.createConfigMap("ns-0", "after-bookmark-\(index)"))
            }
            var seen: [WatchEvent] = []
            while seen.filter({ $0.type == "BOOKMARK" && $0.resourceVersion == written.last }).count < 2, seen.count < 40 {
                guard let event = try await stream.next(timeout: .seconds(3)) else { break }
                seen.append(event)
            }
            let summary = seen.map { "\($0.type) \($0.resourceVersion ?? "")" }
            #expect(seen.filter { $0.type != "BOOKMARK" }.map { $0.resourceVersion ?? "" } == written, "\(summary)")
            #expect(Self.bookmarksBehindEvents(seen, start: start).isEmpty, "bookmarks behind events already sent: \(summary)")
            #expect(seen.last?.type == "BOOKMARK" && seen.last?.resourceVersion == written.last, "bookmarks catch up: \(summary)")
        }
    }

    /// The same rule under pressure: bookmarks every few milliseconds while changes stream.
    @Test(arguments: ConformanceTarget.allCases)
    func bookmarksNeverGoBehindEvents(_ target: ConformanceTarget) async throws {
        var tuning = ConformanceFixture.Tuning()
        tuning.bookmarkInterval = .milliseconds(5)
        tuning.upstreamBookmarkInterval = .milliseconds(300)
        try await ConformanceFixture.with(target, seed: Self.seed, tuning: tuning) { fixture in
            let start = fixture.upstreamResourceVersion
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(start)&allowWatchBookmarks=true")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            var last = start
            for index in 0..<20 {
                last = try await fixture.patchConfigMap("ns-0", "cm-\(index % 3)", #"{"data":{"n":"\#(index)"}}"#)
            }
            var seen: [WatchEvent] = []
            while seen.filter({ $0.type == "BOOKMARK" && $0.resourceVersion == last }).count < 2 {
                seen.append(try #require(try await stream.next(timeout: .seconds(3))))
            }
            #expect(seen.filter { $0.type != "BOOKMARK" }.count == 20)
            let behind = Self.bookmarksBehindEvents(seen, start: start)
            #expect(behind.isEmpty, "\(behind.count) of \(seen.count - 20) bookmarks behind an event already sent, e.g. \(behind.prefix(3))")
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func noBookmarksUnlessAllowed(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.upstreamResourceVersion)")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            // Three bookmark intervals without a single line.
            await #expect(throws: WatchStream.NoEvent.self) { try await stream.next(timeout: .milliseconds(900)) }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func sendInitialEventsEndsWithAnAnnotatedBookmark(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let current = fixture.upstreamResourceVersion
            let stream = try await fixture.watch(
                "\(Self.configMaps)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
            defer { stream.close() }
            #expect(stream.status == 200)
            fixture.expectFromCache(stream)
            let events = try await stream.next(4)
            try #require(events.map(\.type) == ["ADDED", "ADDED", "ADDED", "BOOKMARK"], "\(events)")
            #expect(events.prefix(3).map { $0.name ?? "" } == ["cm-0", "cm-1", "cm-2"])
            let end = events[3]
            #expect(end.annotations == ["k8s.io/initial-events-end": "true"])
            #expect(end.resourceVersion == current)
            #expect(end.object["kind"] as? String == "ConfigMap")

            let written = try await fixture.createConfigMap("ns-0", "later")
            let change = try #require(try await stream.first { $0.type != "BOOKMARK" })
            #expect(change.type == "ADDED")
            #expect(change.name == "later")
            #expect(change.resourceVersion == written)
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func sendInitialEventsFromAResourceVersion(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let written = try await fixture.createConfigMap("ns-0", "cm-3")
            let stream = try await fixture.watch(
                "\(Self.configMaps)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=\(written)")
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let events = try await stream.next(5)
            try #require(events.map(\.type) == ["ADDED", "ADDED", "ADDED", "ADDED", "BOOKMARK"], "\(events)")
            #expect(events.last?.annotations == ["k8s.io/initial-events-end": "true"])
            #expect(Int(events.last?.resourceVersion ?? "") ?? 0 >= Int(written)!, "not older than the RV asked for")
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func timeoutSecondsEndsTheStream(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            // Timed from before the request is sent: the server's deadline starts after that, so
            // the stream cannot end sooner than 2 s from here, however late this process sees it.
            let clock = ContinuousClock()
            let requested = clock.now
            let stream = try await fixture.watch("\(Self.configMaps)?watch=true&resourceVersion=\(fixture.upstreamResourceVersion)&timeoutSeconds=2")
            // And from the response head, which comes after the deadline started: the stream
            // must end within a few seconds of it (not at the default 30–60 min).
            let opened = clock.now
            fixture.expectFromCache(stream)
            #expect(try await stream.waitForEnd(timeout: .seconds(10)) == .completed, "a clean end of the chunked body")
            let ended = clock.now
            // Never before the deadline (client-go takes an early end for an error).
            #expect(ended - requested >= .seconds(2), "ended \(ended - requested) after the request, before the 2 s asked for")
            #expect(ended - opened < .seconds(8), "ended at the deadline (\(ended - opened) after the head)")
        }
    }

    /// "BOOKMARK at B after an event at E" for every bookmark older than an event before it.
    static func bookmarksBehindEvents(_ events: [WatchEvent], start: String) -> [String] {
        var newest = Int(start) ?? 0
        var behind: [String] = []
        for event in events {
            let version = Int(event.resourceVersion ?? "") ?? 0
            if event.type == "BOOKMARK", version < newest { behind.append("BOOKMARK at \(version) after an event at \(newest)") }
            newest = max(newest, version)
        }
        return behind
    }
}
