import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport

/// Starts a KubeSim on port 0 for one test, optionally seeded, with a client and helpers for
/// URLs and JSON bodies; shuts it down afterwards.
struct SimFixture {
    let sim: KubeSim
    let client = TestHTTPClient()

    var baseURL: String { sim.baseURL }

    static func with<T>(
        configuration: KubeSim.Configuration = SimFixture.fastConfiguration, seed: SeedPlan? = nil,
        _ body: (SimFixture) async throws -> T
    ) async throws -> T {
        let sim = KubeSim(configuration: configuration)
        if let seed { try sim.seed(seed) }
        return try await withServer(sim) { sim in try await body(SimFixture(sim: sim)) }
    }

    /// Defaults shortened so tests of waits finish quickly.
    static var fastConfiguration: KubeSim.Configuration {
        var configuration = KubeSim.Configuration()
        configuration.resourceVersionWaitTimeout = .milliseconds(300)
        return configuration
    }

    func url(_ path: String) -> String { baseURL + path }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await client.request("GET", url(path), headers: headers)
    }

    func send(_ method: String, _ path: String, _ json: String, contentType: String = "application/json") async throws -> TestHTTPResponse {
        try await client.send(method, url(path), json: json, contentType: contentType)
    }

    func delete(_ path: String, body: String? = nil) async throws -> TestHTTPResponse {
        try await client.request("DELETE", url(path), headers: body == nil ? [] : [("Content-Type", "application/json")], body: body.map { Array($0.utf8) })
    }

    func watch(_ path: String) async throws -> WatchStream {
        try await client.watch(url(path))
    }

    /// Creates a namespace over HTTP.
    @discardableResult
    func createNamespace(_ name: String) async throws -> TestHTTPResponse {
        try await send("POST", "/api/v1/namespaces", #"{"metadata":{"name":"\#(name)"}}"#)
    }

    /// Creates a configmap over HTTP; returns the response.
    @discardableResult
    func createConfigMap(_ namespace: String, _ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"]) async throws -> TestHTTPResponse {
        let body: [String: Any] = ["metadata": ["name": name, "labels": labels], "data": data]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await send("POST", "/api/v1/namespaces/\(namespace)/configmaps", json)
    }

    /// The current resourceVersion as a string.
    var resourceVersion: String { sim.currentResourceVersion.description }
}

extension TestHTTPResponse {
    var metadata: [String: Any] { object["metadata"] as? [String: Any] ?? [:] }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var itemNames: [String] { items.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String } }
    var itemKeys: [String] {
        items.compactMap { item in
            guard let metadata = item["metadata"] as? [String: Any], let name = metadata["name"] as? String else { return nil }
            if let namespace = metadata["namespace"] as? String { return "\(namespace)/\(name)" }
            return name
        }
    }
    var reason: String? { object["reason"] as? String }
    var message: String? { object["message"] as? String }
    var resourceVersion: String? { metadata["resourceVersion"] as? String }
}
