import KubeAPI
import Logging

/// The request pipeline: `/_sim` control, the "down" fault, discovery, then resource requests
/// by verb. Stateless apart from the shared references it holds; safe to call concurrently.
///
/// Pipeline order (each step may answer):
/// 1. `/_sim/…` control endpoints (never affected by faults).
/// 2. `faults.isDown` → 503 for everything else; then `faults.misbehaviour` (injected error
///    answers for resource requests, by verb).
/// 3. Authentication and authorization (`SimAuth`, `Auth/`): the TokenReview and
///    SubjectAccessReview endpoints; with an enforcing policy, 401/403 `Status` for resource
///    requests whose bearer token is unknown or whose user may not perform them.
/// 4. Non-resource paths (`/version`, `/api`, `/apis…`, `/openapi…`, health).
/// 5. Resource paths → counters → the verb's handler.
struct SimRouter: Sendable {
    let store: ObjectStore
    let faults: Faults
    let counters: RequestCounters
    let configuration: KubeSim.Configuration
    let auth: SimAuth
    let control: SimControl
    let logger: Logger

    func handle(_ request: SimRequest) async -> SimResponse {
        if request.path == "/_sim" || request.path.hasPrefix("/_sim/") {
            counters.increment(verb: "sim", resource: "")
            return await control.handle(request)
        }
        // Decode as the API server does (KubeAPI's RequestInfo: path grammar, verb, list
        // options with their 400/422s). Count first: a request reached the upstream even when
        // a fault or a bad query answers it.
        let decoded: Result<RequestInfo, Status> = Result { () throws(Status) -> RequestInfo in
            try RequestInfo(method: request.method, uri: request.uri)
        }
        let rawPath = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let resolved = (try? decoded.get()) ?? (try? RequestInfo(method: request.method, uri: rawPath))
        var definition: ResourceDefinition?
        if let resolved, resolved.isResourceRequest, let found = store.definition(for: resolved.groupVersionResource) {
            definition = found
            counters.increment(verb: resolved.verb?.rawValue ?? request.method.lowercased(), resource: resolved.groupVersionResource.groupResource)
        }
        if faults.isDown {
            return .status(Status.serviceUnavailable("the server is currently unable to handle the request"))
        }
        if definition != nil, let resolved,
           let answer = await faults.misbehaviour.intercept(verb: resolved.verb?.rawValue ?? request.method.lowercased()) {
            return answer
        }
        // (3) Authentication and authorization.
        if let answer = auth.gate(request, info: (try? decoded.get()) ?? resolved, counters: counters) {
            return answer
        }
        if let discovery = Discovery(store: store).answer(request) {
            counters.increment(verb: "discovery", resource: "")
            return discovery
        }
        guard let resolved, resolved.isResourceRequest, let definition else {
            return .status(Status.pathNotFound())
        }
        let info: RequestInfo
        switch decoded {
        case .success(let value): info = value
        case .failure(let status): return .status(status)
        }
        if !definition.namespaced, !info.namespace.isEmpty, info.resource != "namespaces" {
            return .status(Status.pathNotFound())
        }
        if !info.subresource.isEmpty, !definition.subresources.contains(info.subresource) {
            return .status(Status.pathNotFound())
        }
        let handler = ResourceHandler(store: store, faults: faults, configuration: configuration, definition: definition, info: info)
        do {
            return try await handler.handle(request)
        } catch {
            return .status(error)
        }
    }
}
