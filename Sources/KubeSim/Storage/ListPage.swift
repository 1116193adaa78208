import KubeAPI

/// One page of a LIST, read from one consistent resourceVersion.
struct ListPage: Sendable {
    var resourceVersion: UInt64
    var items: [StoredObject]
    /// The last key returned when more items follow (the continue token starts after it).
    var lastKey: ObjectKey?
    /// Items after this page, when the request had no selector (the API server's rule).
    var remainingItemCount: Int?
}
