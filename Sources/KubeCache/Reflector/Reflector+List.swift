import KubeAPI

extension Reflector {
    /// Lists the whole resource in pages from one consistent snapshot and replaces the cache's
    /// contents with it (the cache turns a relist into events for its watchers).
    func listAndReplace() async throws {
        var objects: [CachedObject] = []
        var request = ListerWatcherRequest(limit: configuration.pageSize)
        var listResourceVersion: ResourceVersion?
        var malformed = 0
        repeat {
            let page = try await listerWatcher.list(request)
            listResourceVersion = listResourceVersion ?? page.list.resourceVersion
            objects.reserveCapacity(objects.count + page.list.items.count + (page.list.remainingItemCount ?? 0))
            for range in page.list.items {
                do {
                    objects.append(try CachedObject.fromListItem(page.body[range], resource: cache.resource))
                } catch {
                    malformed += 1
                }
            }
            request.continueToken = page.list.continueToken
        } while request.continueToken != nil
        guard let listResourceVersion else {
            throw ListerWatcherError.transport("LIST answer without metadata.resourceVersion")
        }
        if malformed > 0 {
            statistics.record(\.malformedObjects, by: malformed)
            logger.warning("skipped malformed objects in LIST", metadata: ["count": "\(malformed)"])
        }
        let isRelist = cache.hasData
        cache.replace(with: objects, resourceVersion: listResourceVersion)
        statistics.record(isRelist ? \.relists : \.lists)
        logger.info(isRelist ? "relisted" : "listed",
                    metadata: ["objects": "\(objects.count)", "resourceVersion": "\(listResourceVersion)"])
    }
}
