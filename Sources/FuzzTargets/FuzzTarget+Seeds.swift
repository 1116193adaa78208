/// The seed corpus of each target: realistic inputs that reach the parsers' success paths
/// and the errors the API server words. `kcache-fuzz seed <dir>` writes them as
/// `<dir>/<target>/seed-<name>`; the corpus tests run them from here too, so they never go
/// stale.
extension FuzzTarget {
    public var seeds: [(name: String, bytes: [UInt8])] {
        switch self {
        case .requestInfo: named(RequestSeeds.requests)
        case .labelSelector: named(RequestSeeds.labelSelectors)
        case .fieldSelector: named(RequestSeeds.fieldSelectors)
        case .continueToken: named(RequestSeeds.continueTokens)
        case .objectJSON: named(BodySeeds.objects)
        case .listBody: named(BodySeeds.lists)
        case .statusJSON: named(BodySeeds.statuses)
        case .protobuf: ProtobufSeeds.bodies.map { (name: $0.0, bytes: $0.1) }
        case .watchEvent: named(BodySeeds.watchStreams)
        case .cachedObject: named(BodySeeds.cachedObjects)
        case .requestHead: named(RequestSeeds.heads)
        }
    }

    /// Text seeds named by their position, so regenerating them overwrites the same files.
    private func named(_ texts: [String]) -> [(name: String, bytes: [UInt8])] {
        texts.enumerated().map { index, text in
            (name: String(repeating: "0", count: index < 10 ? 1 : 0) + String(index), bytes: Array(text.utf8))
        }
    }
}
