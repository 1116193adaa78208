import Foundation
import KubeAPI
import Logging
import Synchronization

/// What the upstream serves, from its discovery documents (`/api/v1`, `/apis`,
/// `/apis/<group>/<version>`): each resource's kind, scope and verbs.
///
/// Kept as one immutable table swapped under a short lock. `refresh()` rebuilds it; `run()`
/// refreshes periodically in the background, and a lookup that misses may ask for a refresh
/// (at most one every `minimumRefreshInterval`), so a kind installed while kcache runs (a new
/// CRD) is found on its first use.
public final class ResourceDiscovery: Sendable {
    /// Fetches a discovery document by path; throws on any failure.
    public typealias Fetch = @Sendable (String) async throws -> [UInt8]

    private let fetch: Fetch
    private let logger: Logger
    public let refreshInterval: Duration
    public let minimumRefreshInterval: Duration
    /// The table and when it was last refreshed; guarded by the mutex.
    private let state = Mutex<State>(State())

    private struct State {
        var resources: [GroupVersionResource: APIResource] = [:]
        var lastRefresh: ContinuousClock.Instant?
        /// The refresh under way: lookups that miss meanwhile wait for it instead of failing.
        var inFlight: Task<Void, any Error>?
        var lastError: String?
    }

    public init(fetch: @escaping Fetch, refreshInterval: Duration = .seconds(60),
                minimumRefreshInterval: Duration = .seconds(2), logger: Logger) {
        self.fetch = fetch
        self.refreshInterval = refreshInterval
        self.minimumRefreshInterval = minimumRefreshInterval
        self.logger = logger
    }

    /// The resource, if discovery knows it.
    public func resource(for gvr: GroupVersionResource) -> APIResource? {
        state.withLock { $0.resources[gvr] }
    }

    /// Every known resource.
    public var resources: [APIResource] { state.withLock { Array($0.resources.values) } }

    /// True once a refresh has succeeded.
    public var hasSucceeded: Bool { state.withLock { $0.lastRefresh != nil } }

    /// The last refresh error, if the last refresh failed.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Looks `gvr` up. When it is unknown: waits for the refresh under way if there is one
    /// (so clients arriving while kcache starts are not sent upstream for want of a table),
    /// else refreshes first unless the table is too fresh for that.
    public func resolve(_ gvr: GroupVersionResource) async -> APIResource? {
        if let known = resource(for: gvr) { return known }
        let refresh = state.withLock { state -> Task<Void, any Error>? in
            if let inFlight = state.inFlight { return inFlight }
            if let last = state.lastRefresh, .now - last < minimumRefreshInterval { return nil }
            return startRefresh(&state)
        }
        if let refresh { try? await refresh.value }
        return resource(for: gvr)
    }

    /// Rebuilds the table from the upstream's discovery documents (joining a rebuild already
    /// under way).
    public func refresh() async throws {
        let refresh = state.withLock { state in state.inFlight ?? startRefresh(&state) }
        try await refresh.value
    }

    private func startRefresh(_ state: inout State) -> Task<Void, any Error> {
        let task = Task { try await self.rebuild() }
        state.inFlight = task
        return task
    }

    private func rebuild() async throws {
        // The task is published under the lock before this can take it.
        defer { state.withLock { $0.inFlight = nil } }
        do {
            var table: [GroupVersionResource: APIResource] = [:]
            for resource in try await resources(at: "/api/v1", group: "", version: "v1") {
                table[resource.groupVersionResource] = resource
            }
            let groups = try DiscoveryDocuments.groupVersions(fromAPIGroupList: try await fetch("/apis"))
            for (group, version) in groups {
                do {
                    for resource in try await resources(at: "/apis/\(group)/\(version)", group: group, version: version) {
                        table[resource.groupVersionResource] = resource
                    }
                } catch {
                    // One unavailable aggregated API must not hide the others.
                    logger.debug("discovery of a group version failed", metadata: ["groupVersion": "\(group)/\(version)", "error": "\(error)"])
                }
            }
            state.withLock {
                $0.resources = table
                $0.lastRefresh = .now
                $0.lastError = nil
            }
        } catch {
            state.withLock { $0.lastError = "\(error)" }
            throw error
        }
    }

    private func resources(at path: String, group: String, version: String) async throws -> [APIResource] {
        try DiscoveryDocuments.resources(fromAPIResourceList: try await fetch(path), group: group, version: version)
    }

    /// Refreshes every `refreshInterval` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await refresh()
            } catch {
                logger.warning("discovery refresh failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: refreshInterval) } catch { return }
        }
    }
}

/// Decoding of the discovery documents kcache reads.
enum DiscoveryDocuments {
    private struct APIResourceList: Decodable {
        struct Resource: Decodable {
            var name: String
            var singularName: String?
            var namespaced: Bool
            var kind: String
            var verbs: [String]?
            var shortNames: [String]?
        }
        var resources: [Resource]
    }

    private struct APIGroupList: Decodable {
        struct Group: Decodable {
            struct Version: Decodable { var groupVersion: String; var version: String }
            var name: String
            var versions: [Version]
            var preferredVersion: Version?
        }
        var groups: [Group]
    }

    /// The resources of one group version; subresources (`pods/status`) are left out.
    static func resources(fromAPIResourceList bytes: [UInt8], group: String, version: String) throws -> [APIResource] {
        let list = try JSONDecoder().decode(APIResourceList.self, from: Data(bytes))
        return list.resources.filter { !$0.name.contains("/") }.map { resource in
            APIResource(
                groupVersionResource: GroupVersionResource(group: group, version: version, resource: resource.name),
                kind: resource.kind, singularName: resource.singularName ?? "", namespaced: resource.namespaced,
                verbs: resource.verbs ?? [], shortNames: resource.shortNames ?? [],
                isCustomResource: group.contains(".") && !group.hasSuffix(".k8s.io"))
        }
    }

    /// Every (group, version) an APIGroupList serves.
    static func groupVersions(fromAPIGroupList bytes: [UInt8]) throws -> [(String, String)] {
        let list = try JSONDecoder().decode(APIGroupList.self, from: Data(bytes))
        return list.groups.flatMap { group in group.versions.map { (group.name, $0.version) } }
    }
}
