import KubeAPI
import KubeCache

/// kcache's own endpoints: `/livez`, `/readyz`, `/healthz` (as the API server shapes them,
/// `?verbose` listing each check) and `/metrics`.
///
/// Readiness: every resource named in `--resources` is synced or restored (or still serving
/// its data while its upstream fails). Liveness: the process answers.
public struct LocalEndpoints: Sendable {
    let registry: CacheRegistry
    /// The resources readiness waits for: each `--resources` name, with its resource once
    /// discovery has resolved it.
    let requiredResources: @Sendable () -> [(name: String, resource: GroupVersionResource?)]
    /// Renders `/metrics`; nil when metrics are off.
    let metrics: (@Sendable () -> String)?
    /// The upstream's state for `?verbose`: nil when healthy, else why not.
    let upstreamProblem: @Sendable () -> String?

    public init(
        registry: CacheRegistry, requiredResources: @escaping @Sendable () -> [(name: String, resource: GroupVersionResource?)],
        metrics: (@Sendable () -> String)?, upstreamProblem: @escaping @Sendable () -> String?
    ) {
        self.registry = registry
        self.requiredResources = requiredResources
        self.metrics = metrics
        self.upstreamProblem = upstreamProblem
    }

    /// The answer when `request` is for one of these endpoints, else nil.
    public func respond(to request: ProxyRequest) -> ProxyResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        let path = request.path
        // API paths start /api: answer those without looking further.
        guard !path.utf8.starts(with: "/api".utf8) else { return nil }
        let query = request.uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(request.uri[request.uri.index(after: $0)...]) } ?? ""
        let verbose = QueryString(query).contains("verbose")
        switch path {
        case "/livez", "/healthz/ping", "/livez/ping":
            return report(title: "livez", checks: [("ping", nil)], verbose: verbose)
        case "/readyz", "/healthz":
            return report(title: String(path.dropFirst()), checks: readinessChecks(), verbose: verbose)
        case "/metrics":
            guard let metrics else { return nil }
            return .text(metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            return nil
        }
    }

    /// One check per required resource (its state), one per other cached resource
    /// (informational), and the upstream connection.
    func readinessChecks() -> [(String, String?)] {
        var checks: [(String, String?)] = [("ping", nil)]
        for (configured, gvr) in requiredResources() {
            let name = "resource:\(configured)"
            guard let gvr else {
                checks.append((name, "not yet found in discovery"))
                continue
            }
            guard let cache = registry.cache(for: gvr) else {
                checks.append((name, "not started"))
                continue
            }
            let readiness = cache.readiness
            checks.append((name, readiness.isReady ? nil : readiness.description))
        }
        return checks
    }

    /// Extra lines for `?verbose`: every cache's state and the upstream's, whether or not
    /// they affect readiness.
    private func details() -> [String] {
        var lines = registry.caches
            .sorted { $0.resource.groupVersionResource.groupResource < $1.resource.groupVersionResource.groupResource }
            .map { "[+]cache:\($0.resource.groupVersionResource.groupResource) \($0.readiness) rv=\($0.resourceVersion) objects=\($0.store.count)" }
        lines.append(upstreamProblem().map { "[-]upstream failing: \($0)" } ?? "[+]upstream ok")
        return lines
    }

    private func report(title: String, checks: [(String, String?)], verbose: Bool) -> ProxyResponse {
        let failed = checks.filter { $0.1 != nil }
        guard verbose || !failed.isEmpty else { return .text("ok") }
        var lines = checks.map { name, problem in
            problem.map { "[-]\(name) failed: \($0)" } ?? "[+]\(name) ok"
        }
        if verbose { lines += details() }
        lines.append(failed.isEmpty ? "\(title) check passed" : "\(title) check failed")
        return .text(lines.joined(separator: "\n") + "\n", status: failed.isEmpty ? 200 : 500)
    }
}
