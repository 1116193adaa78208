import KubeAPI
import KubeCache

/// Deciding whether and when the cache answers a GET, LIST or WATCH (DESIGN.md, consistency).
extension Router {
    /// A route that answers from the cache (perhaps after a wait), or nil when the request
    /// must go upstream as it is.
    func cachedRead(_ request: ProxyRequest, info: RequestInfo, verb: RequestInfo.Verb, resource: APIResource) -> Route? {
        let gvr = resource.groupVersionResource
        guard resource.isListWatchable, !registry.isExcluded(gvr),
              let format = ContentNegotiation.format(accept: request.header("Accept"))
        else { return nil }
        let start = verb != .get && registry.configuration.cacheOnDemand
        guard let cache = registry.cache(for: resource, start: start) else { return nil }
        let read: CachedRead
        do {
            read = try CachedRead(request: request, info: info, verb: verb, cache: cache, format: format)
        } catch {
            return .response(.status(error, source: .cache))
        }
        guard read.filter != nil else { return nil }  // a field the cache cannot evaluate

        if !cache.canServe {
            // A kind still syncing: a WATCH, and a LIST that names a resourceVersion (informers
            // list at "0"), wait for the sync, as the API server's watch cache makes them wait
            // for its own — so the informers that made kcache start caching a kind cost the
            // upstream one LIST, not one each. A GET or a LIST of the most recent state goes
            // upstream at once.
            guard verb == .watch || (verb == .list && info.options.resourceVersion != nil && info.options.continueToken == nil)
            else { return nil }
            return .deferred { [self] body in
                guard await cache.waitUntilFresh(atLeast: ResourceVersion(1), timeout: configuration.onDemandSyncWait),
                      cache.canServe,
                      let route = freshnessRoute(read)
                else { return await forwarder.forward(request, info: info, body: body) }
                return await route.run(body: body)
            }
        }
        switch staleness(of: cache) {
        case .fresh:
            return freshnessRoute(read)
        case .warn(let warning):
            return freshnessRoute(read)?.adding(header: "Warning", warning)
        case .tooOld(let warning):
            // Too old to stand in for "most recent"; a client naming an RV may still resume.
            guard info.options.resourceVersion != nil || info.options.continueToken != nil else { return nil }
            return freshnessRoute(read)?.adding(header: "Warning", warning)
        }
    }

    /// Applies the freshness rules: an RV the client named, or the consistency mode.
    private func freshnessRoute(_ read: CachedRead) -> Route? {
        let options = read.info.options
        let cache = read.cache
        if options.continueToken != nil { return serve(read) }
        switch options.resourceVersion {
        case .zero?:
            return serve(read)
        case let named?:
            if cache.resourceVersion >= named || (read.verb == .watch && options.sendInitialEvents != true) {
                // A watch from an RV ahead of the cache starts at once (DESIGN.md).
                return serve(read)
            }
            return waitThenServe(read, for: [.resourceVersion(atLeast: named)], timeout: configuration.resourceVersionWait, counting: false)
        case nil:
            return mostRecent(read)
        }
    }

    /// A read without an RV ("most recent"): the consistency mode decides.
    private func mostRecent(_ read: CachedRead) -> Route? {
        switch configuration.consistency {
        case .eventual:
            return serve(read)
        case .strict:
            guard read.verb == .watch else { return nil }
            if read.info.options.sendInitialEvents == true {
                return .response(.status(.invalidListOptions([Status.Cause(
                    reason: "FieldValueForbidden",
                    message: "Forbidden: kcache in strict mode does not serve a watch list without a resourceVersion; list with resourceVersion=0 and watch from it",
                    field: "sendInitialEvents")]), source: .cache))
            }
            return serve(read)
        case .readYourWrites:
            switch writeRecords.requirement(for: read.cache.resource.groupVersionResource, store: read.cache.store) {
            case .none:
                return serve(read)
            case .upstream:
                statistics.record(fallback: read.cache.resource.groupVersionResource)
                return nil
            case .wait(let conditions):
                return waitThenServe(read, for: conditions, timeout: configuration.readYourWritesTimeout, counting: true)
            }
        }
    }

    /// Waits until the cache satisfies `conditions`, then serves; goes upstream if it does not
    /// within `timeout`.
    private func waitThenServe(_ read: CachedRead, for conditions: [FreshnessCondition], timeout: Duration, counting: Bool) -> Route {
        .deferred { [self] body in
            let start = ContinuousClock.now
            var satisfied = true
            for condition in conditions {
                let remaining = timeout - (.now - start)
                if await !read.cache.waitUntil(condition, timeout: max(remaining, .zero)) {
                    satisfied = false
                    break
                }
            }
            let gvr = read.cache.resource.groupVersionResource
            if counting { statistics.record(wait: gvr, duration: .now - start) }
            guard satisfied, let route = serve(read) else {
                if counting { statistics.record(fallback: gvr) }
                return await forwarder.forward(read.request, info: read.info, body: body)
            }
            return await route.run(body: body)
        }
    }
}

/// A read the cache may answer, with what it needs to do so.
struct CachedRead: Sendable {
    let request: ProxyRequest
    let info: RequestInfo
    let verb: RequestInfo.Verb
    let cache: ResourceCache
    let format: ObjectFormat
    /// Namespace and selectors; nil when a field selector names a field the cache lacks.
    let filter: ObjectFilter?

    /// - Throws: `400 BadRequest` for a field selector the kind does not support, worded as
    ///   the API server words it (only for built-in kinds, whose fields kcache knows; for
    ///   other kinds such a request goes upstream, which decides).
    init(request: ProxyRequest, info: RequestInfo, verb: RequestInfo.Verb, cache: ResourceCache, format: ObjectFormat) throws(Status) {
        self.request = request
        var info = info
        if !cache.resource.apiResource.namespaced {
            // `/api/v1/namespaces/{name}` puts the name in `namespace` too (as the API server's
            // RequestInfo does); the cache keys a cluster-scoped object without one.
            info.namespace = ""
        }
        self.info = info
        self.verb = verb
        self.cache = cache
        self.format = format
        var fieldSelector = info.options.fieldSelector
        let gvr = cache.resource.groupVersionResource
        if !fieldSelector.isEverything, SelectableFields.fields(for: gvr) != nil {
            fieldSelector = try fieldSelector.validated(for: gvr, namespaced: cache.resource.apiResource.namespaced)
        }
        filter = ObjectFilter(
            resource: cache.resource, namespace: info.namespace,
            labelSelector: info.options.labelSelector, fieldSelector: fieldSelector)
    }
}
