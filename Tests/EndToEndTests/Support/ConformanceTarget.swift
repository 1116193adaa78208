import Testing

/// What the conformance suite runs against: the same list/watch tests, written against a base
/// URL, for every implementation of the API's read contract (as the API server runs its
/// storage suite against both etcd and its cacher).
///
/// - `sim`: KubeSim alone, the reference every other implementation is held to.
/// - `kcache`: kcache's proxy in front of a KubeSim, answering reads from its cache.
enum ConformanceTarget: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sim
    case kcache

    var testDescription: String { rawValue }
}
