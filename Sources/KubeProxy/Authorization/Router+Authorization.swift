import KubeAPI

/// Authorizing reads the cache would answer (`--auth passthrough`).
///
/// The cache answers with kcache's view of everything, so before it answers a client, that
/// client's bearer token must be allowed the read by the upstream (TokenReview, then
/// SubjectAccessReview; `CachedReadAuthorizer`). Reads that go upstream need no such step: the
/// upstream sees the client's own token and decides.
extension Router {
    /// The route of a GET, LIST or WATCH of `resource`: the cache's answer once authorized, the
    /// upstream when the cache will not answer.
    ///
    /// Authorization comes first, before anything the cache does for the read (starting an
    /// on-demand kind, waiting for freshness). A read the cache would not take anyway (an
    /// excluded kind, a representation the cache does not render, a GET of a kind not cached)
    /// goes upstream without a review; so does a read that impersonates someone, which only
    /// the upstream can judge. This pre-check may only send more reads upstream than
    /// `cachedRead` would, never fewer, so nothing reaches the cache unauthorized.
    func authorizedCachedRead(_ request: ProxyRequest, info: RequestInfo, verb: RequestInfo.Verb, resource: APIResource) -> Route {
        guard let authorizer else {
            return cachedRead(request, info: info, verb: verb, resource: resource) ?? passthrough(request, info: info)
        }
        guard mayAnswerFromCache(request, verb: verb, resource: resource),
              !request.headers.contains(where: { $0.name.lowercased().hasPrefix("impersonate-") })
        else { return passthrough(request, info: info) }
        guard let token = UpstreamForwarder.bearerToken(of: request), !token.isEmpty else {
            return .response(.status(.bearerTokenRequired, source: .cache))
        }
        let attributes = ResourceAttributes(info: info, verb: verb)
        switch authorizer.decide(token: token, attributes: attributes) {
        case .decided(let outcome):
            return route(after: outcome, request, info: info, verb: verb, resource: resource)
        case .pending(let decision):
            return .deferred { [self] body in
                let outcome = await decision()
                return await route(after: outcome, request, info: info, verb: verb, resource: resource).run(body: body)
            }
        }
    }

    private func route(
        after outcome: CachedReadAuthorizer.Outcome, _ request: ProxyRequest, info: RequestInfo, verb: RequestInfo.Verb,
        resource: APIResource
    ) -> Route {
        switch outcome {
        case .allowed:
            return cachedRead(request, info: info, verb: verb, resource: resource) ?? passthrough(request, info: info)
        case .rejected(let status):
            return .response(.status(status, source: .cache))
        }
    }

    /// Whether `cachedRead` might answer: the checks it makes first, without its side effects.
    private func mayAnswerFromCache(_ request: ProxyRequest, verb: RequestInfo.Verb, resource: APIResource) -> Bool {
        let gvr = resource.groupVersionResource
        guard resource.isListWatchable, !registry.isExcluded(gvr),
              ContentNegotiation.format(accept: request.header("Accept")) != nil
        else { return false }
        return registry.cache(for: gvr) != nil || (verb != .get && registry.configuration.cacheOnDemand)
    }
}
