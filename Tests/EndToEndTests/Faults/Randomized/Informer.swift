import Foundation
import KubeTestSupport
import Synchronization

/// Where kcache listens now: nil while it restarts. Shared by the clients of one run.
final class ProxyAddress: Sendable {
    private let value = Mutex<String?>(nil)

    var current: String? { value.withLock { $0 } }

    func set(_ baseURL: String?) {
        value.withLock { $0 = baseURL }
    }
}

/// A downstream client of kcache that behaves as a client-go informer does: LIST with
/// `resourceVersion=0`, WATCH from the list's RV with bookmarks; when the stream ends, WATCH
/// again from the last RV it saw; on `410 Expired`, LIST again; on any other failure, back off
/// briefly and retry (kcache restarting, refusing, answering 503).
///
/// Every LIST and every event is checked as it arrives against the `WriteLog`, KubeSim's
/// history: a LIST must be exactly KubeSim's state at the list's RV; event RVs must strictly
/// increase (kcache gives each event of a relist's difference its own RV); an
/// `ADDED`/`MODIFIED` must carry a state KubeSim stored, never an older one than the informer
/// holds and never an object it saw deleted (resurrection); a `MODIFIED` needs the object
/// held, a `DELETED` needs it held and deleted in KubeSim — at or before the event's RV, except
/// for the deletions a relist finds, whose real RV nobody knows: kcache places them at free
/// RVs between the cache's and the LIST's, so the test only requires that KubeSim deleted them.
/// Whatever breaks a rule is recorded in `violations`. Thread-safe; `run()` once.
final class Informer: Sendable {
    let name: String
    /// The namespace watched, nil for all.
    let namespace: String?
    private let log: WriteLog
    private let address: ProxyAddress
    private let client = TestHTTPClient()

    private struct State {
        var store: [String: WriteLog.Version] = [:]
        /// The RV to resume from: the list's, the last event's or the last bookmark's.
        var resourceVersion: UInt64 = 0
        var lastEvent: (type: String, key: String, uid: String)?
        /// Keys of the events this stream delivered at `resourceVersion`: a relist's
        /// difference gives several objects one RV (deletions carry the LIST's RV), never one
        /// object twice.
        var keysAtResourceVersion: Set<String> = []
        var deletedUIDs: Set<String> = []
        var violations: [String] = []
        var hasListed = false
        var isPaused = false
        var stream: WatchStream?
        var lists = 0
        var watches = 0
        var events = 0
        var expired = 0
    }

    private let state = Mutex(State())

    init(name: String, namespace: String?, log: WriteLog, address: ProxyAddress) {
        self.name = name
        self.namespace = namespace
        self.log = log
        self.address = address
    }

    // MARK: What the test reads

    var store: [String: WriteLog.Version] { state.withLock { $0.store } }
    var violations: [String] { state.withLock { $0.violations } }
    var hasListed: Bool { state.withLock { $0.hasListed } }
    var summary: String {
        state.withLock { "\(name): \($0.lists) lists, \($0.watches) watches, \($0.events) events, \($0.expired) expired, rv \($0.resourceVersion)" }
    }

    /// Closes the watch and stays away until `resume()`: a client that went away for a while.
    func pause() {
        let stream = state.withLock { state -> WatchStream? in
            state.isPaused = true
            return state.stream
        }
        stream?.close()
    }

    func resume() {
        state.withLock { $0.isPaused = false }
    }

    // MARK: Running

    /// Lists and watches until the task is cancelled.
    func run() async {
        var needsList = true
        while !Task.isCancelled {
            // Retry pacing is the informer's behaviour (client-go backs off too), not a wait
            // for something the test does.
            guard !state.withLock({ $0.isPaused }), let base = address.current else {
                if (try? await Task.sleep(for: .milliseconds(10))) == nil { return }
                continue
            }
            do {
                if needsList {
                    try await list(base)
                    needsList = false
                }
                needsList = try await watch(base)
            } catch is CancellationError {
                return
            } catch {
                if (try? await Task.sleep(for: .milliseconds(20))) == nil { return }
            }
        }
        state.withLock { $0.stream?.close() }
    }

    private var collectionPath: String {
        namespace.map { "/api/v1/namespaces/\($0)/configmaps" } ?? "/api/v1/configmaps"
    }

    private func list(_ base: String) async throws {
        let response = try await client.request("GET", base + collectionPath + "?resourceVersion=0")
        guard response.status == 200 else { throw ListFailed(status: response.status) }
        let list = try ListedObjects(response)
        let expected = log.state(at: list.resourceVersion, namespace: namespace)
        state.withLock { state in
            state.lists += 1
            if list.objects != expected {
                state.violations.append("\(name): LIST at RV \(list.resourceVersion) differs from KubeSim's state then: "
                    + Self.difference(list.objects, expected))
            }
            if list.resourceVersion < state.resourceVersion {
                state.violations.append("\(name): LIST at RV \(list.resourceVersion) is older than RV \(state.resourceVersion) already seen")
            }
            state.store = list.objects
            state.resourceVersion = list.resourceVersion
            state.lastEvent = nil
            state.hasListed = true
        }
    }

    /// One watch, until it ends; returns whether to relist (410).
    private func watch(_ base: String) async throws -> Bool {
        let from = state.withLock { $0.resourceVersion }
        let stream = try await client.watch(base + collectionPath + "?watch=true&resourceVersion=\(from)&allowWatchBookmarks=true")
        let paused = state.withLock { state -> Bool in
            state.stream = stream
            state.watches += 1
            // A new stream delivers only events after `from`.
            state.lastEvent = nil
            state.keysAtResourceVersion = []
            return state.isPaused
        }
        defer { stream.close() }
        if paused { return false }
        guard stream.status == 200 else { throw ListFailed(status: stream.status) }
        while let event = try await stream.next(timeout: .seconds(3600)) {
            if event.type != "BOOKMARK", event.type != "ERROR", let rv = event.resourceVersion.flatMap(UInt64.init),
               rv > log.lastResourceVersion {
                // The writer logs a write just after KubeSim stores it, and the event may arrive
                // first: judge the event once the log has caught up (an RV it never reaches is
                // then reported as a state KubeSim never stored).
                try? await waitUntil(timeout: .seconds(60), "the write log to reach RV \(rv)") { log.lastResourceVersion >= rv }
            }
            switch apply(event) {
            case .continue: continue
            case .expired: return true
            case .failed: return false
            }
        }
        return false
    }

    private enum Outcome { case `continue`, expired, failed }

    private func apply(_ event: WatchEvent) -> Outcome {
        let type = event.type
        if type == "ERROR" {
            let code = event.object["code"] as? Int
            state.withLock { state in if code == 410 { state.expired += 1 } }
            return code == 410 ? .expired : .failed
        }
        guard let text = event.resourceVersion, let rv = UInt64(text) else {
            state.withLock { $0.violations.append("\(name): event without a numeric resourceVersion: \(event)") }
            return .failed
        }
        if type == "BOOKMARK" {
            state.withLock { state in
                if rv < state.resourceVersion {
                    state.violations.append("\(name): BOOKMARK at RV \(rv) after RV \(state.resourceVersion)")
                }
                if rv > state.resourceVersion {
                    state.lastEvent = nil
                    state.keysAtResourceVersion = []
                }
                state.resourceVersion = max(state.resourceVersion, rv)
            }
            return .continue
        }
        let key = "\(event.namespace ?? "")/\(event.name ?? "")"
        let uid = event.metadata["uid"] as? String ?? ""
        let version = WriteLog.Version(uid: uid, resourceVersion: rv)
        let knownState = log.knows(key, version)
        let deletedAt = log.deletion(of: uid)
        state.withLock { state in
            state.events += 1
            func violation(_ text: String) {
                state.violations.append("\(name): \(type) \(key) \(version) (after RV \(state.resourceVersion)): \(text)")
            }
            if rv <= state.resourceVersion {
                violation("out of order or duplicate")
            }
            if let namespace, !key.hasPrefix(namespace + "/") {
                violation("outside the watched namespace")
            }
            let held = state.store[key]
            switch type {
            case "ADDED", "MODIFIED":
                if !knownState { violation("a state KubeSim never stored") }
                if state.deletedUIDs.contains(uid) { violation("resurrection of a deleted object") }
                if type == "ADDED", held?.uid == uid { violation("ADDED for an object already held (\(held!))") }
                if type == "MODIFIED", held?.uid != uid { violation("MODIFIED of an object not held (\(held.map(\.description) ?? "none")): an event was lost") }
                if let held, held.uid == uid, held.resourceVersion >= rv { violation("older than the state held (\(held))") }
                state.store[key] = version
            case "DELETED":
                if held?.uid != uid { violation("DELETED of an object not held (\(held.map(\.description) ?? "none"))") }
                if deletedAt == nil { violation("KubeSim never deleted it") }
                state.store[key] = nil
                state.deletedUIDs.insert(uid)
            default:
                violation("unknown event type")
            }
            if rv > state.resourceVersion { state.keysAtResourceVersion = [] }
            state.keysAtResourceVersion.insert(key)
            state.resourceVersion = max(state.resourceVersion, rv)
            state.lastEvent = (type, key, uid)
        }
        return .continue
    }

    /// What two states differ in, for failure messages.
    static func difference(_ got: [String: WriteLog.Version], _ expected: [String: WriteLog.Version]) -> String {
        var parts: [String] = []
        for key in Set(got.keys).union(expected.keys).sorted() where got[key] != expected[key] {
            parts.append("\(key): got \(got[key].map(\.description) ?? "none"), want \(expected[key].map(\.description) ?? "none")")
        }
        return parts.prefix(10).joined(separator: "; ")
    }
}

/// A LIST or WATCH answered with something other than 200 (kcache restarting or refusing).
struct ListFailed: Error {
    var status: Int
}

/// The objects of a LIST answer, as `namespace/name` → UID and RV, with the list's RV.
struct ListedObjects {
    var resourceVersion: UInt64
    var objects: [String: WriteLog.Version]
    var continueToken: String?

    init(_ response: TestHTTPResponse) throws {
        let body = response.object
        let metadata = body["metadata"] as? [String: Any] ?? [:]
        guard let text = metadata["resourceVersion"] as? String, let rv = UInt64(text) else {
            throw ListFailed(status: response.status)
        }
        resourceVersion = rv
        continueToken = (metadata["continue"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        var objects: [String: WriteLog.Version] = [:]
        for item in body["items"] as? [[String: Any]] ?? [] {
            let itemMetadata = item["metadata"] as? [String: Any] ?? [:]
            let key = "\(itemMetadata["namespace"] as? String ?? "")/\(itemMetadata["name"] as? String ?? "")"
            objects[key] = WriteLog.Version(
                uid: itemMetadata["uid"] as? String ?? "",
                resourceVersion: UInt64(itemMetadata["resourceVersion"] as? String ?? "") ?? 0)
        }
        self.objects = objects
    }
}
