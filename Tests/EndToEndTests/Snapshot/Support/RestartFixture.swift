import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// One restart test's world: a KubeSim in the test process (it outlives every kcache the test
/// starts, so its history, counters and faults span restarts), a private directory for the
/// snapshot file, and `kcache serve` processes started against both.
///
/// `start` runs `kcache serve --upstream SIM --listen 127.0.0.1:0 --snapshot FILE
/// --resources … --log-format json` plus the test's flags, and returns once the process is
/// listening. Every process still running when the test ends is killed.
struct RestartFixture {
    let sim: KubeSim
    let directory: String
    let client = TestHTTPClient()
    /// `--resources` of every start unless the test gives its own.
    let resources: [String]

    var snapshotPath: String { directory + "/kcache.snapshot" }

    /// Starts a KubeSim (seeded with `seed`), runs `body`, stops it and removes the directory.
    static func with<T>(
        seed: SeedPlan, resources: [String] = ["configmaps"],
        configure: (inout KubeSim.Configuration) -> Void = { _ in },
        _ body: (RestartFixture) async throws -> T
    ) async throws -> T {
        var configuration = KubeSim.Configuration()
        configure(&configuration)
        let sim = KubeSim(configuration: configuration)
        try sim.seed(seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcache-restart-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await withServer(sim) { sim in
            try await body(RestartFixture(sim: sim, directory: directory, resources: resources))
        }
    }

    /// A started kcache and the URL it serves on.
    struct Running {
        let process: KcacheProcess
        let baseURL: String
        /// From spawn to the `listening` line.
        let listeningAfter: Duration
    }

    /// Spawns `kcache serve` with the fixture's flags, then `arguments`; returns once it listens.
    func start(_ arguments: [String] = [], resources: [String]? = nil, environment: [String: String] = [:]) async throws -> Running {
        let process = try spawn(arguments, resources: resources, environment: environment)
        let baseURL = try await process.waitUntilListening()
        return Running(process: process, baseURL: baseURL, listeningAfter: .now - process.startedAt)
    }

    /// Spawns `kcache serve` without waiting for anything.
    func spawn(_ arguments: [String] = [], resources: [String]? = nil, environment: [String: String] = [:]) throws -> KcacheProcess {
        try KcacheProcess(arguments: [
            "serve", "--upstream", sim.baseURL, "--listen", "127.0.0.1:0", "--snapshot", snapshotPath,
            "--resources", (resources ?? self.resources).joined(separator: ","), "--log-format", "json",
        ] + arguments, environment: environment)
    }

    /// Starts kcache, waits until every `--resources` kind is synced with the upstream (listed
    /// or resumed), then stops it with SIGTERM: the final save leaves the snapshot file.
    func warmUp(_ arguments: [String] = [], resources: [String]? = nil) async throws -> ListContents {
        let running = try await start(arguments, resources: resources)
        try await waitUntilSynced(running, resources: resources ?? self.resources)
        let contents = try await list(running.baseURL + "/api/v1/configmaps")
        #expect(try await running.process.terminate() == 0, "SIGTERM ends kcache cleanly: \(running.process.standardError.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: snapshotPath), "the final save wrote \(snapshotPath)")
        return contents
    }

    // MARK: Reading

    /// `/readyz?verbose` lines `[+]cache:<resource> <state> rv=… objects=…`: each cached
    /// resource's state.
    func cacheStates(_ baseURL: String) async throws -> [String: String] {
        let response = try await client.request("GET", baseURL + "/readyz?verbose")
        var states: [String: String] = [:]
        for line in response.text.split(separator: "\n") where line.hasPrefix("[+]cache:") || line.hasPrefix("[-]cache:") {
            let fields = line.dropFirst("[+]cache:".count).split(separator: " ")
            if fields.count >= 2 { states[String(fields[0])] = String(fields[1]) }
        }
        return states
    }

    /// Waits until every one of `resources` is `synced` (its watch is live).
    ///
    /// Known issue: a restored kind starts its upstream watch at once, at the same moment as
    /// discovery and the other restored kinds' watches. Over cleartext HTTP libcurl parks all
    /// but the first of those transfers in PIPEWAIT (`KubeUpstream/EasyTransfer.swift` sets it
    /// on every request when http2 is on) and wakes them only when some transfer ends, which
    /// a watch does not for minutes: a second watch, or the discovery a `--resources` kind
    /// waits for, is stuck. PIPEWAIT for https URLs only would fix it. When a kind is still
    /// `restored` (or not started) after 5 s, this records the known issue and sends a
    /// passthrough GET, whose end wakes the parked transfers.
    func waitUntilSynced(_ running: Running, resources: [String]? = nil, timeout: Duration = .seconds(30)) async throws {
        let names = (resources ?? self.resources).map { $0.split(separator: ".").first.map(String.init) ?? $0 }
        func pending() async throws -> [String: String] {
            let states = try await cacheStates(running.baseURL)
            var pending: [String: String] = [:]
            for name in names {
                let state = states.first { $0.key == name || $0.key.hasPrefix(name + ".") }?.value ?? "absent"
                if state != "synced" { pending[name] = state }
            }
            return pending
        }
        let what = "\(names) synced; log:\n\(running.process.standardError.suffix(2000))"
        try await waitUntil(timeout: timeout, pollInterval: .milliseconds(10), what) { try await pending().isEmpty }
    }

    /// A LIST answer reduced to what restarts must keep: its RV and each item's identity.
    struct ListContents: Equatable, CustomStringConvertible {
        var status: Int
        var resourceVersion: String
        /// `namespace/name` → `metadata.resourceVersion`.
        var items: [String: String]
        var source: String?
        var warning: String?

        static func == (lhs: ListContents, rhs: ListContents) -> Bool {
            lhs.resourceVersion == rhs.resourceVersion && lhs.items == rhs.items
        }

        var description: String { "LIST rv=\(resourceVersion) items=\(items.count) source=\(source ?? "-")" }
    }

    /// GETs a list URL and reduces its answer (throws for a body that is not a list).
    func list(_ url: String) async throws -> ListContents {
        let response = try await client.request("GET", url)
        return try Self.contents(of: response)
    }

    static func contents(of response: TestHTTPResponse) throws -> ListContents {
        let object = response.object
        guard response.status == 200, let items = object["items"] as? [[String: Any]] else {
            throw KcacheProcess.Failure(description: "not a list: \(response.status) \(response.text.prefix(500))")
        }
        var identities: [String: String] = [:]
        for item in items {
            let metadata = item["metadata"] as? [String: Any] ?? [:]
            let key = "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
            identities[key] = metadata["resourceVersion"] as? String ?? ""
        }
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        return ListContents(
            status: response.status, resourceVersion: metadata["resourceVersion"] as? String ?? "", items: identities,
            source: response.header("X-Kcache-Source"), warning: response.header("Warning"))
    }

    /// KubeSim's own LIST of `resource` now, reduced the same way.
    func upstreamList(_ resource: GroupVersionResource = .configMaps) throws -> ListContents {
        try Self.contents(of: TestHTTPResponse(status: 200, headers: [], body: try sim.list(resource)))
    }

    /// KubeSim's state of `resource` exactly at `resourceVersion` (from its history).
    func upstreamList(path: String = "/api/v1/configmaps", at resourceVersion: String) async throws -> ListContents {
        try await list(sim.baseURL + path + "?resourceVersion=\(resourceVersion)&resourceVersionMatch=Exact")
    }

    // MARK: Writing to the upstream behind kcache's back

    /// Creates configmap `name` in `namespace`; returns its RV.
    @discardableResult
    func createConfigMap(_ namespace: String, _ name: String, data: String = "v") throws -> String {
        let json = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"value":"\#(data)"}}"#
        return try Self.resourceVersion(of: sim.create(.configMaps, namespace: namespace, json: Array(json.utf8)))
    }

    /// Replaces the data of configmap `name`; returns its new RV.
    @discardableResult
    func updateConfigMap(_ namespace: String, _ name: String, data: String) throws -> String {
        let patch = #"{"data":{"value":"\#(data)"}}"#
        return try Self.resourceVersion(of: sim.patch(.configMaps, namespace: namespace, name: name, patch: Array(patch.utf8)))
    }

    /// Deletes configmap `name`; returns the deletion's RV (KubeSim's RV right after it).
    @discardableResult
    func deleteConfigMap(_ namespace: String, _ name: String) throws -> String {
        try sim.delete(.configMaps, namespace: namespace, name: name)
        return String(sim.currentResourceVersion.value)
    }

    static func resourceVersion(of json: [UInt8]) throws -> String {
        let object = (try JSONSerialization.jsonObject(with: Data(json))) as? [String: Any]
        guard let rv = (object?["metadata"] as? [String: Any])?["resourceVersion"] as? String else {
            throw KcacheProcess.Failure(description: "no resourceVersion in \(String(decoding: json, as: UTF8.self).prefix(300))")
        }
        return rv
    }

    /// Upstream requests with `verb` since the counters were reset, by resource.
    func upstreamCount(_ verb: String, _ resource: String) -> Int {
        sim.counters.count(verb: verb, resource: resource)
    }
}

extension GroupVersionResource {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")
    static let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
}
