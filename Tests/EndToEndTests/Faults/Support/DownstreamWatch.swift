import KubeTestSupport
import Testing

/// A client's watch through kcache during a fault test: every event it received, checked for
/// order (resourceVersions increase; only a `DELETED` then `ADDED` of one name with a new UID,
/// as a relist emits them, may share one), and the objects those events leave it holding.
final class DownstreamWatch: Sendable {
    struct Received: Sendable, Equatable, CustomStringConvertible {
        var type: String
        var key: String
        var uid: String
        var resourceVersion: UInt64
        var description: String { "\(type) \(key)@\(resourceVersion)" }
    }

    let stream: WatchStream

    init(_ stream: WatchStream) {
        self.stream = stream
    }

    /// Opens a watch of configmaps through `baseURL` from `resourceVersion`.
    static func open(_ baseURL: String, from resourceVersion: UInt64) async throws -> DownstreamWatch {
        let stream = try await TestHTTPClient().watch(baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(resourceVersion)")
        try #require(stream.status == 200)
        return DownstreamWatch(stream)
    }

    /// Reads events until `done` holds for what was received so far (bookmarks skipped);
    /// returns them all.
    func receive(timeout: Duration = .seconds(60), until done: ([Received]) -> Bool) async throws -> [Received] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var received: [Received] = []
        while !done(received) {
            guard let event = try await stream.next(timeout: max(deadline - clock.now, .milliseconds(1))) else {
                Issue.record("the watch ended after \(received)")
                return received
            }
            guard event.type != "BOOKMARK" else { continue }
            received.append(Received(
                type: event.type, key: "\(event.namespace ?? "")/\(event.name ?? "")", uid: event.metadata["uid"] as? String ?? "",
                resourceVersion: UInt64(event.resourceVersion ?? "") ?? 0))
        }
        return received
    }

    /// Order problems in `events` (empty when none).
    static func orderProblems(_ events: [Received]) -> [String] {
        var problems: [String] = []
        for (previous, event) in zip(events, events.dropFirst()) {
            let replacement = previous.type == "DELETED" && event.type == "ADDED" && previous.key == event.key && previous.uid != event.uid
            if event.resourceVersion < previous.resourceVersion || (event.resourceVersion == previous.resourceVersion && !replacement) {
                problems.append("\(event) after \(previous)")
            }
        }
        return problems
    }

    /// The objects `events` leave a client holding, starting from `initial`.
    static func apply(_ events: [Received], to initial: [String: WriteLog.Version]) -> [String: WriteLog.Version] {
        var objects = initial
        for event in events {
            objects[event.key] = event.type == "DELETED" ? nil : WriteLog.Version(uid: event.uid, resourceVersion: event.resourceVersion)
        }
        return objects
    }

    func close() {
        stream.close()
    }
}
