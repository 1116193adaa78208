import Foundation
import KubeAPI
import Synchronization
import Testing
@testable import KubeCache

/// A scripted upstream: LISTs answer from `objects`; each WATCH gets a stream the test feeds.
final class FakeListerWatcher: ListerWatcher {
    struct State {
        var objects: [[UInt8]] = []
        var listResourceVersion: UInt64 = 1
        var listRequests: [ListerWatcherRequest] = []
        var watchRequests: [ListerWatcherRequest] = []
        var watchErrors: [ListerWatcherError] = []
        var streams: [AsyncThrowingStream<[UInt8], any Error>.Continuation] = []
    }

    let state = Mutex(State())

    func list(_ request: ListerWatcherRequest) async throws -> ListPage {
        let (items, rv) = state.withLock { state in
            state.listRequests.append(request)
            return (state.objects, state.listResourceVersion)
        }
        // Page by `limit` with the offset as the continue token.
        let start = request.continueToken.flatMap(Int.init) ?? 0
        let end = min(items.count, start + (request.limit ?? items.count))
        var body = Array(#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"\#(rv)""#.utf8)
        if end < items.count { body += Array(#","continue":"\#(end)""#.utf8) }
        body += Array(#"},"items":["#.utf8)
        for (index, item) in items[start..<end].enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += item
        }
        body += Array("]}".utf8)
        return try ListPage(body: body)
    }

    func watch(_ request: ListerWatcherRequest) async throws -> any AsyncSequence<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let error: ListerWatcherError? = state.withLock { state in
            state.watchRequests.append(request)
            if !state.watchErrors.isEmpty { return state.watchErrors.removeFirst() }
            state.streams.append(continuation)
            return nil
        }
        if let error { throw error }
        return stream
    }

    /// Sends a line on the newest watch stream.
    func send(_ line: String) {
        state.withLock { $0.streams.last }?.yield(Array(line.utf8))
    }

    func send(_ type: WatchEventType, _ object: [UInt8]) {
        state.withLock { $0.streams.last }?.yield(Array(#"{"type":"\#(type.rawValue)","object":"#.utf8) + object + Array("}".utf8))
    }

    func endWatch() { state.withLock { $0.streams.last }?.finish() }

    var watchCount: Int { state.withLock { $0.streams.count } }
}

/// Strips `kind`/`apiVersion`, as LIST items of built-in kinds come.
func listItem(namespace: String, name: String, rv: UInt64, uid: String? = nil) -> [UInt8] {
    var object = try! JSONSerialization.jsonObject(with: Data(Fixtures.json(namespace: namespace, name: name, rv: rv, uid: uid))) as! [String: Any]
    object["kind"] = nil
    object["apiVersion"] = nil
    return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

func waitFor(_ what: String, timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(2))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

@Suite struct ReflectorTests {
    func start(_ upstream: FakeListerWatcher, pageSize: Int = 2) -> (ResourceCache, Reflector, Task<Void, Never>) {
        let cache = ResourceCache(resource: Fixtures.configMaps)
        var configuration = Reflector.Configuration()
        configuration.pageSize = pageSize
        configuration.backoff.initial = .milliseconds(1)
        configuration.backoff.maximum = .milliseconds(5)
        let reflector = Reflector(cache: cache, listerWatcher: upstream, configuration: configuration, logger: .init(label: "test"))
        let task = Task { await reflector.run() }
        return (cache, reflector, task)
    }

    @Test func listsInPagesRestoresTypeMetaAndWatchesFromTheListRV() async throws {
        let upstream = FakeListerWatcher()
        upstream.state.withLock {
            $0.objects = (0..<5).map { listItem(namespace: "ns", name: "cm-\($0)", rv: UInt64($0 + 1)) }
            $0.listResourceVersion = 7
        }
        let (cache, _, task) = start(upstream)
        defer { task.cancel() }
        try await waitFor("the watch") { upstream.watchCount == 1 && cache.readiness == .synced }
        #expect(cache.store.count == 5)
        let object = try #require(cache.get(ObjectKey(namespace: "ns", name: "cm-0")))
        let json = try JSONSerialization.jsonObject(with: Data(object.bytes)) as! [String: Any]
        #expect(json["kind"] as? String == "ConfigMap")
        #expect(json["apiVersion"] as? String == "v1")
        let requests = upstream.state.withLock { $0 }
        #expect(requests.listRequests.map(\.limit) == [2, 2, 2])
        #expect(requests.listRequests.map(\.continueToken) == [nil, "2", "4"])
        #expect(requests.watchRequests.first?.resourceVersion == ResourceVersion(7))
        #expect(requests.watchRequests.first?.allowWatchBookmarks == true)
        let timeout = try #require(requests.watchRequests.first?.timeoutSeconds)
        #expect((300..<600).contains(timeout))
    }

    @Test func appliesEventsSkipsMalformedOnesAndFollowsBookmarks() async throws {
        let upstream = FakeListerWatcher()
        let (cache, reflector, task) = start(upstream)
        defer { task.cancel() }
        try await waitFor("the watch") { upstream.watchCount == 1 }
        upstream.send(.added, Fixtures.json(namespace: "ns", name: "a", rv: 2))
        upstream.send("this is not json")
        upstream.send(#"{"type":"ADDED","object":{"metadata":{"name":"no-rv"}}}"#)
        upstream.send(.modified, Fixtures.json(namespace: "ns", name: "a", rv: 3))
        upstream.send(#"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"10"}}}"#)
        try await waitFor("the bookmark") { cache.resourceVersion == ResourceVersion(10) }
        #expect(cache.get(ObjectKey(namespace: "ns", name: "a"))?.resourceVersion == ResourceVersion(3))
        #expect(reflector.counters.malformedEvents == 2)
        // A normal end re-watches from the last RV, bookmarks included.
        upstream.endWatch()
        try await waitFor("the second watch") { upstream.watchCount == 2 }
        #expect(upstream.state.withLock { $0.watchRequests.last?.resourceVersion } == ResourceVersion(10))
    }

    @Test func expiredWatchRelistsAndWatchersSeeTheDifference() async throws {
        let upstream = FakeListerWatcher()
        upstream.state.withLock {
            $0.objects = [listItem(namespace: "ns", name: "a", rv: 1), listItem(namespace: "ns", name: "b", rv: 2)]
            $0.listResourceVersion = 2
        }
        let (cache, reflector, task) = start(upstream)
        defer { task.cancel() }
        try await waitFor("the watch") { upstream.watchCount == 1 }
        let watcher = try cache.watch(WatchRequest(filter: Fixtures.filter(), start: .after(ResourceVersion(2)), allowBookmarks: false), wake: {})
        // Meanwhile upstream: a deleted, b changed, c created; then our watch expires.
        upstream.state.withLock {
            $0.objects = [listItem(namespace: "ns", name: "b", rv: 5), listItem(namespace: "ns", name: "c", rv: 4)]
            $0.listResourceVersion = 6
        }
        upstream.send(#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 2 (3)","reason":"Expired","code":410}}"#)
        try await waitFor("the relist") { cache.resourceVersion == ResourceVersion(6) }
        #expect(watcher.drain().events == [
            DecodedEvent(type: "ADDED", name: "c", resourceVersion: "4"),
            DecodedEvent(type: "MODIFIED", name: "b", resourceVersion: "5"),
            DecodedEvent(type: "DELETED", name: "a", resourceVersion: "6"),
        ])
        #expect(reflector.counters.relists == 1)
        try await waitFor("the watch after the relist") { upstream.watchCount == 2 }
    }

    @Test func forbiddenKindBecomesUncached() async throws {
        let upstream = FakeListerWatcher()
        upstream.state.withLock {
            $0.watchErrors = [.status(Status.forbidden("configmaps is forbidden"), retryAfter: nil)]
        }
        let (cache, _, task) = start(upstream)
        defer { task.cancel() }
        try await waitFor("uncached") {
            if case .uncached = cache.readiness { return true }
            return false
        }
        #expect(!cache.canServe, "a kind the upstream refused is served by passthrough")
    }

    @Test func transportErrorsBackOffAndRecover() async throws {
        let upstream = FakeListerWatcher()
        upstream.state.withLock { $0.watchErrors = [.transport("connection refused"), .transport("connection refused")] }
        let (cache, reflector, task) = start(upstream)
        defer { task.cancel() }
        // The fake counts the watch before the reflector sees it accepted: wait for both.
        try await waitFor("a watch after two failures") { upstream.watchCount == 1 && cache.readiness == .synced }
        #expect(reflector.counters.errors == 2)
    }
}
