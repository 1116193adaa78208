/// The options of a GET, LIST or WATCH, parsed from its query and checked as the API server
/// checks them.
///
/// Contract of `init(query:verb:)`, in the API server's order:
/// 1. Decoding (`400 BadRequest`): `timeoutSeconds` and `limit` must be base-10 `Int64`s
///    (`strconv.ParseInt: parsing "x": invalid syntax`), then `labelSelector` and
///    `fieldSelector` must parse. Booleans never fail: only `0` and `false` (any case) are
///    false; `?watch`, `?watch=` and `?watch=yes` are true.
/// 2. `ValidateListOptions` (`422 Invalid`, `ListOptions.meta.k8s.io "" is invalid: …`):
///    `resourceVersionMatch` needs a `resourceVersion`, excludes `continue`, is `Exact` or
///    `NotOlderThan`, and is not `Exact` with `"0"`; `sendInitialEvents` is forbidden on a
///    LIST. On a watch, `resourceVersionMatch` needs `sendInitialEvents`, must be
///    `NotOlderThan`, and excludes `continue`; `sendInitialEvents` needs
///    `resourceVersionMatch=NotOlderThan`. Whether the request is a watch for these rules is the
///    query's `watch` flag: a legacy `/watch/` path is checked as a LIST, as the API server does.
/// 3. Storage (`400 BadRequest`): a `resourceVersion` that is not a decimal `uint64`
///    (`Status.invalidResourceVersion`), and for a LIST, `continue` with a `resourceVersion`
///    other than unset or `"0"`.
///
/// A GET of a named object reads only `resourceVersion` (`GetOptions`). Field names in
/// `fieldSelector` are not checked against the kind here: call
/// `FieldSelector.validated(for:customFields:namespaced:)` once the kind is known.
public struct ListOptions: Hashable, Sendable {
    /// How `resourceVersion` applies to a LIST (or, with `sendInitialEvents`, a watch).
    public enum ResourceVersionMatch: String, Hashable, Sendable, CaseIterable {
        case notOlderThan = "NotOlderThan"
        case exact = "Exact"
    }

    /// A watch: `watch` is true in the query, or the verb is `watch` (legacy `/watch/` path).
    public var isWatch = false
    /// nil when unset or `""`; `.zero` for `"0"` ("any").
    public var resourceVersion: ResourceVersion?
    public var resourceVersionMatch: ResourceVersionMatch?
    /// A page size: nil when absent, `0` or negative (the API server ignores those).
    public var limit: Int?
    /// The `continue` token, nil when unset or `""`.
    public var continueToken: String?
    public var labelSelector = LabelSelector.everything
    public var fieldSelector = FieldSelector.everything
    /// As given, nil when absent. The API server ends a watch after this many seconds; `0`
    /// lets it pick (its minimum request timeout, randomised); a negative value ends the watch
    /// at once.
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks = false
    /// nil when absent; present with any value but `0`/`false` means true.
    public var sendInitialEvents: Bool?

    /// Options of a request that states none: a LIST of everything, most recent.
    public init() {}

    /// Parses and checks `query` (the part after `?`, still percent-encoded) for `verb`.
    /// `get`, `list` and `watch` are checked as described on the type; other verbs are decoded
    /// leniently (what does not decode is left at its default) and never throw.
    public init(query: String, verb: RequestInfo.Verb) throws(Status) {
        try self.init(query: QueryString(query), verb: verb)
    }

    init(query: QueryString, verb: RequestInfo.Verb) throws(Status) {
        self.init()
        switch verb {
        case .get:
            resourceVersion = try ListOptions.resourceVersion(query["resourceVersion"] ?? "")
        case .list, .watch:
            let decoded = try ListOptionsQuery(query)
            let causes = decoded.validationCauses()
            if !causes.isEmpty { throw Status.invalidListOptions(causes) }
            apply(decoded, forceWatch: verb == .watch)
            resourceVersion = try ListOptions.resourceVersion(decoded.resourceVersion)
            if !isWatch, continueToken != nil, !(decoded.resourceVersion.isEmpty || decoded.resourceVersion == "0") {
                throw Status.resourceVersionWithContinue()
            }
        default:
            guard let decoded = try? ListOptionsQuery(query) else { return }
            apply(decoded, forceWatch: false)
            resourceVersion = try? ListOptions.resourceVersion(decoded.resourceVersion)
        }
    }

    /// These options as the API server's handler sees them once it has applied its WatchList
    /// defaults (`SetListOptionsDefaults`): a watch from resourceVersion unset or `"0"` that
    /// states neither `sendInitialEvents` nor `resourceVersionMatch` becomes
    /// `sendInitialEvents=true&resourceVersionMatch=NotOlderThan`. Validation runs before this,
    /// so it changes no error; it tells a watch server how the API server would serve it.
    public func withWatchListDefaults() -> ListOptions {
        guard isWatch, sendInitialEvents == nil, resourceVersionMatch == nil,
              resourceVersion == nil || resourceVersion == .zero else { return self }
        var defaulted = self
        defaulted.sendInitialEvents = true
        defaulted.resourceVersionMatch = .notOlderThan
        return defaulted
    }

    private mutating func apply(_ decoded: ListOptionsQuery, forceWatch: Bool) {
        isWatch = decoded.watch || forceWatch
        resourceVersionMatch = ResourceVersionMatch(rawValue: decoded.resourceVersionMatch)
        limit = decoded.limit > 0 ? Int(truncatingIfNeeded: decoded.limit) : nil
        continueToken = decoded.continueToken.isEmpty ? nil : decoded.continueToken
        labelSelector = decoded.labelSelector
        fieldSelector = decoded.fieldSelector
        timeoutSeconds = decoded.timeoutSeconds.map { Int(truncatingIfNeeded: $0) }
        allowWatchBookmarks = decoded.allowWatchBookmarks
        sendInitialEvents = decoded.sendInitialEvents
    }

    /// A query's `resourceVersion` as the API server's storage reads it: `""` is unset, `"0"`
    /// is any, anything else must be a decimal `uint64`.
    static func resourceVersion(_ text: String) throws(Status) -> ResourceVersion? {
        if text.isEmpty { return nil }
        switch GoText.parseUInt64(text.utf8) {
        case .success(let value): return ResourceVersion(value)
        case .failure: throw Status.invalidResourceVersion(text)
        }
    }
}
