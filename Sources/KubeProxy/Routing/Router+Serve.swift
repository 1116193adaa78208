import KubeAPI
import KubeCache

/// Answering from the cache once the freshness rules allow it.
extension Router {
    /// The cache's answer to `read`; nil when the cache finds it cannot answer faithfully
    /// after all (a continue token or Exact RV for a state it no longer holds).
    func serve(_ read: CachedRead) -> Route? {
        guard let filter = read.filter else { return nil }
        let resource = read.cache.resource.apiResource
        switch read.verb {
        case .get:
            let key = ObjectKey(namespace: read.info.namespace, name: read.info.name)
            guard let object = read.cache.get(key) else {
                return .response(.status(
                    .notFound(group: resource.groupVersionResource.group, resource: resource.groupVersionResource.resource, name: read.info.name),
                    source: .cache))
            }
            let objectBytes = object.bytes(in: read.format)
            var body: [UInt8] = []
            body.reserveCapacity(objectBytes.count + 1)
            body.append(contentsOf: objectBytes)
            body.append(0x0A)
            return .response(.json(body, source: .cache))
        case .list:
            let options = read.info.options
            let request = ListRequest(
                filter: filter, limit: options.limit, continueToken: options.continueToken,
                resourceVersion: options.resourceVersion, resourceVersionMatch: options.resourceVersionMatch)
            do {
                switch try read.cache.list(request) {
                case .list(let result):
                    return .response(ProxyResponse(
                        status: 200, headers: [("Content-Type", "application/json")],
                        body: .list(ListBodyWriter(result: result, resource: resource, format: read.format)), source: .cache))
                case .upstream(let reason):
                    logger.debug("LIST goes upstream", metadata: ["reason": "\(reason)"])
                    return nil
                }
            } catch {
                return .response(.status(error, source: .cache))
            }
        case .watch:
            let options = read.info.options
            let request = WatchRequest(
                filter: filter, start: WatchRequest.start(for: options), allowBookmarks: options.allowWatchBookmarks,
                format: read.format)
            let timeout = options.timeoutSeconds.map { Duration.seconds($0) }
                ?? configuration.defaultWatchTimeout * Double.random(in: 1..<2)
            guard let permit = watchLimiter.acquire() else {
                return .response(.status(
                    .tooManyRequests("too many open watches: kcache serves at most \(watchLimiter.limit); retry later"),
                    source: .cache))
            }
            let watcher: CacheWatcher
            do {
                watcher = try read.cache.watch(request)
            } catch {
                // As the API server: the error arrives as an ERROR event in a 200 stream.
                return .response(ProxyResponse(
                    status: 200, headers: [("Content-Type", "application/json")],
                    body: .bytes(WatchEventEncoder.error(error)), source: .cache))
            }
            return .response(ProxyResponse(
                status: 200, headers: [("Content-Type", "application/json")],
                body: .watch(WatchStream(
                    watcher: watcher, timeout: timeout, bookmarkInterval: configuration.bookmarkInterval, permit: permit)),
                source: .cache))
        default:
            return nil
        }
    }
}
