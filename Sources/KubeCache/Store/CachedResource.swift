import KubeAPI

/// What the cache knows about one resource besides its objects: its discovery description and
/// the selectable fields it precomputes for every object.
///
/// Field selectors are answered from the cache only for fields listed here (`metadata.name`,
/// `metadata.namespace`, and `fieldPaths`); a selector on any other field goes upstream, which
/// decides whether it is supported. Each field is read from the JSON paths the API server
/// reads it from, and takes the value the API server gives an absent field (`"false"` for
/// `spec.unschedulable`), so cached matching agrees with the server's.
public struct CachedResource: Sendable, Hashable {
    public let apiResource: APIResource
    /// Field labels whose values each `CachedObject` carries in `fieldValues`, in this order.
    public let fieldPaths: [String]
    /// The distinct dotted JSON paths read from each object to compute those values.
    let jsonPaths: [String]
    /// `jsonPaths`, compiled once for the scanner.
    let compiledPaths: FieldPaths
    /// For each field: indices into `jsonPaths`, tried in order, and its absent value.
    private let sources: [(paths: [Int], absentValue: String)]
    private let fieldIndices: [String: Int]

    public init(_ apiResource: APIResource) {
        self.apiResource = apiResource
        let gvr = apiResource.groupVersionResource
        let known = apiResource.selectableFields ?? SelectableFields.fields(for: gvr) ?? []
        let fields = known.filter { $0 != "metadata.name" && $0 != "metadata.namespace" }
        var jsonPaths: [String] = []
        var sources: [(paths: [Int], absentValue: String)] = []
        for field in fields {
            let source = SelectableFields.valueSource(of: field, for: gvr)
            let indices = source.paths.map { path -> Int in
                let dotted = path.joined(separator: ".")
                if let index = jsonPaths.firstIndex(of: dotted) { return index }
                jsonPaths.append(dotted)
                return jsonPaths.count - 1
            }
            sources.append((indices, source.absentValue))
        }
        fieldPaths = fields
        self.jsonPaths = jsonPaths
        compiledPaths = FieldPaths(jsonPaths)
        self.sources = sources
        fieldIndices = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, $0) })
    }

    public var groupVersionResource: GroupVersionResource { apiResource.groupVersionResource }

    /// Index of `path` in `fieldPaths`, or nil when objects don't carry it.
    public func fieldIndex(of path: String) -> Int? { fieldIndices[path] }

    /// True when a field selector on `path` can be evaluated from cached metadata.
    public func canSelect(field path: String) -> Bool {
        path == "metadata.name" || path == "metadata.namespace" || fieldIndices[path] != nil
    }

    /// The index of `spec.nodeName` when the resource has one (pods): the store keeps a
    /// node-name index for it, because kubelets and node-scoped controllers list by it.
    public var nodeNameFieldIndex: Int? { fieldIndices["spec.nodeName"] }

    /// The selectable fields' values from the values read at `jsonPaths`: the first present,
    /// non-empty one per field, else the field's absent value.
    func fieldValues(fromJSONValues values: [String?]) -> [String?] {
        sources.map { source in
            for index in source.paths {
                if let value = values[index], !value.isEmpty { return value }
            }
            return source.absentValue
        }
    }

    public static func == (lhs: CachedResource, rhs: CachedResource) -> Bool {
        lhs.apiResource == rhs.apiResource
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(apiResource)
    }
}
