import KubeAPI

/// A LIST the cache is asked to answer, after the caller has decided the cache may (its
/// consistency mode and freshness wait are done).
public struct ListRequest: Sendable {
    public var filter: ObjectFilter
    /// Most items per page; nil for all.
    public var limit: Int?
    /// The continue token of a previous page, as the client sent it.
    public var continueToken: String?
    /// The resourceVersion the client named; nil for unset ("most recent").
    public var resourceVersion: ResourceVersion?
    public var resourceVersionMatch: ListOptions.ResourceVersionMatch?

    public init(
        filter: ObjectFilter, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: ResourceVersion? = nil, resourceVersionMatch: ListOptions.ResourceVersionMatch? = nil
    ) {
        self.filter = filter
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    /// True when the request needs the state at exactly its RV (`Exact`, or an RV with a
    /// limit, which the API server treats as Exact).
    public var isExact: Bool {
        guard let resourceVersion, resourceVersion != .zero, continueToken == nil else { return false }
        return resourceVersionMatch == .exact || (resourceVersionMatch == nil && limit != nil)
    }
}

/// One page of a LIST answered from the cache.
public struct ListResult: Sendable {
    /// The list's `metadata.resourceVersion`.
    public var resourceVersion: ResourceVersion
    /// The items, in storage-key order.
    public var items: [CachedObject]
    /// The token for the next page, when there is one.
    public var continueToken: String?
    /// Items left after this page, reported only for LISTs without selectors.
    public var remainingItemCount: Int?

    public init(resourceVersion: ResourceVersion, items: [CachedObject], continueToken: String? = nil, remainingItemCount: Int? = nil) {
        self.resourceVersion = resourceVersion
        self.items = items
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }
}

/// How the cache answers a LIST.
public enum ListAnswer: Sendable {
    case list(ListResult)
    /// The cache cannot answer faithfully (a state it no longer has); the request goes
    /// upstream, which decides.
    case upstream(reason: String)
}
