/// What a request to the Kubernetes API asks for: the API server's `RequestInfoFactory` path
/// grammar, plus the request's query parsed and checked as `ListOptions`.
///
/// Paths, as the API server reads them (after percent-decoding the whole path, so `%2F` splits):
/// ```
/// /api/v1[/watch|/proxy][/namespaces/{ns}]/{resource}[/{name}[/{subresource}[/...]]]
/// /apis/{group}/{version}[/watch|/proxy][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
/// /api/v1/namespaces[/{name}[/status|/finalize]]      (the namespaces resource itself)
/// ```
/// Anything shorter (`/api`, `/api/v1`, `/apis/apps/v1`) or under another prefix (`/version`,
/// `/openapi/v3`, `/healthz`) is a non-resource request.
///
/// Verbs: GET/HEAD is `get` on a name and `list` or `watch` (per `?watch`) on a collection;
/// DELETE on a collection is `deletecollection`; `/watch/` in the path makes a `watch`. A GET of
/// a named object ignores `?watch`, as the API server's GET handler does; a watch of one object
/// (legacy `/watch/.../{name}`) carries a `metadata.name` field selector, as the API server
/// adds one.
///
/// kcache answers from its cache only what it can interpret exactly, so a path the API server
/// would resolve by routing details (an empty, `.` or `..` segment; a `%` in a namespace or
/// name; a `/watch/` path with a method other than GET/HEAD; `/watch` with nothing after it) is
/// reported as a non-resource request, to be forwarded untouched.
///
/// A value type; `init` is pure and safe from any thread.
public struct RequestInfo: Hashable, Sendable {
    /// The Kubernetes verb of a resource request.
    public enum Verb: String, Hashable, Sendable, CaseIterable {
        case get, list, watch, create, update, patch, delete, deletecollection, proxy
    }

    /// The HTTP method as received.
    public var method: String
    /// The percent-decoded path (Go's `URL.Path`).
    public var path: String
    /// Whether the path names an API resource (see the type's comment for what does not).
    public var isResourceRequest: Bool
    /// The verb of a resource request; nil for non-resource requests and methods without one
    /// (OPTIONS, ...).
    public var verb: Verb?
    /// `"api"` or `"apis"` for resource requests, `""` otherwise.
    public var apiPrefix: String
    public var group: String
    public var version: String
    /// The namespace from the path; for `/api/v1/namespaces/{name}` this is `{name}`, as the
    /// API server reports it (`objectKey` treats namespaces as cluster-scoped).
    public var namespace: String
    public var resource: String
    public var name: String
    public var subresource: String
    /// The parsed query: complete for `list` and `watch`, `resourceVersion` only for `get`,
    /// best effort for other verbs.
    public var options: ListOptions

    /// `group`/`version`/`resource` of a resource request.
    public var groupVersionResource: GroupVersionResource {
        GroupVersionResource(group: group, version: version, resource: resource)
    }

    /// The object a request names (also for its subresources), nil for collections and
    /// non-resource requests. A namespace's key has no namespace.
    public var objectKey: ObjectKey? {
        guard isResourceRequest, !name.isEmpty else { return nil }
        let clusterScoped = group.isEmpty && resource == "namespaces"
        return ObjectKey(namespace: clusterScoped ? "" : namespace, name: name)
    }

    /// Resolves a request from its HTTP method and request target (`/path?query`, still
    /// percent-encoded; `+` in the query is a space, as in Go's `url.ParseQuery`).
    ///
    /// - Throws: for `get`, `list` and `watch`, the `400`/`422` `Status` the API server answers
    ///   an invalid query with (see `ListOptions`); `400` for a watch of one object whose
    ///   `fieldSelector` names another, and for a malformed `%` escape anywhere in the path.
    public init(method: String, uri: String) throws(Status) {
        let (rawPath, rawQuery) = RequestInfo.splitTarget(uri)
        self.init(method: method, path: try RequestInfo.decodePath(rawPath, uri: uri))
        guard resolveResource() else {
            self = RequestInfo(method: method, path: path)
            return
        }
        try parseOptions(QueryString(rawQuery))
    }

    /// A non-resource request.
    private init(method: String, path: String) {
        self.method = method
        self.path = path
        isResourceRequest = false
        verb = nil
        apiPrefix = ""
        group = ""
        version = ""
        namespace = ""
        resource = ""
        name = ""
        subresource = ""
        options = ListOptions()
    }

    /// Fills the resource fields from `path`; false when the path is not a resource kcache can
    /// interpret.
    private mutating func resolveResource() -> Bool {
        let segments = RequestInfo.splitPath(path)
        guard segments.count >= 3, segments[0] == "api" || segments[0] == "apis" else { return false }
        var parts = segments[1...]
        if segments[0] == "apis" {
            guard parts.count >= 3 else { return false }
            group = parts.removeFirst()
        }
        apiPrefix = segments[0]
        version = parts.removeFirst()

        var verbFromPath = false
        if parts.first == "watch" || parts.first == "proxy" {
            guard parts.count >= 2 else { return false }
            verb = parts.removeFirst() == "watch" ? .watch : .proxy
            verbFromPath = true
            if verb == .watch && method != "GET" && method != "HEAD" { return false }
        } else {
            verb = RequestInfo.verb(forMethod: method)
        }

        if parts.first == "namespaces", parts.count > 1 {
            namespace = parts[parts.startIndex + 1]
            if parts.count > 2 && !["status", "finalize"].contains(parts[parts.startIndex + 2]) {
                parts = parts.dropFirst(2)
            }
        }
        // parts: resource/name/subresource/anything we don't interpret
        let interpreted = Array(parts.prefix(verb == .proxy ? 2 : 3))
        resource = interpreted[0]
        name = interpreted.count > 1 ? interpreted[1] : ""
        subresource = interpreted.count > 2 ? interpreted[2] : ""

        let interpretedEnd = segments.count - (parts.count - interpreted.count)
        guard segments[..<interpretedEnd].allSatisfy(RequestInfo.isPlainSegment),
              !namespace.utf8.contains(UInt8(ascii: "%")), !name.utf8.contains(UInt8(ascii: "%")) else { return false }

        if name.isEmpty && !verbFromPath {
            if verb == .get { verb = .list }
            if verb == .delete { verb = .deletecollection }
        }
        isResourceRequest = true
        return true
    }

    /// Parses the query for the verb; a collection GET becomes a watch per `?watch`.
    private mutating func parseOptions(_ query: QueryString) throws(Status) {
        if verb == .list, let watch = query["watch"], ListOptionsQuery.bool(watch) {
            verb = .watch
        }
        guard let verb else { return }
        options = try ListOptions(query: query, verb: verb)
        guard verb == .watch, !name.isEmpty else { return }
        // A watch of one object: the API server selects it by name.
        if options.fieldSelector.isEverything {
            options.fieldSelector = FieldSelector(requirements: [.init(field: "metadata.name", op: .equals, value: name)])
        } else if options.fieldSelector.exactValue(of: "metadata.name") != name {
            throw Status.fieldSelectorNameMismatch()
        }
    }

    /// The verb of an HTTP method on a resource path (before collection adjustments).
    static func verb(forMethod method: String) -> Verb? {
        switch method {
        case "POST": .create
        case "GET", "HEAD": .get
        case "PUT": .update
        case "PATCH": .patch
        case "DELETE": .delete
        default: nil
        }
    }
}
