import KubeAPI

/// `RequestInfo(method:uri:)` with its query parsers `QueryString` and `ListOptions`. Input:
/// `METHOD uri` (text before the first space is the method; without a space, a GET of the
/// whole input).
///
/// Invariants, beyond "no trap":
/// - A rejection is a `400 BadRequest` or `422 Invalid` with a message.
/// - The result has the documented shape: a non-resource request carries nothing else; a
///   resource request has plain (not empty, `.` or `..`) version, resource and name segments,
///   no `%` in namespace or name, the verb its method and path call for, a positive `limit`,
///   and a watch of one object selects that object by `metadata.name`.
/// - Canonical round trip: the decoded path percent-encoded again, with a query rebuilt from
///   the parsed options (`RequestInfoCanonical`), resolves to the same request and options.
/// - `QueryString`: re-encoding its items and decoding them again gives the same items; its
///   lookups agree with each other.
enum RequestInfoTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let (method, uri): (String, String)
        if let space = bytes.firstIndex(of: UInt8(ascii: " ")) {
            (method, uri) = (FuzzText.string(bytes[..<space]), FuzzText.string(bytes[(space + 1)...]))
        } else {
            (method, uri) = ("GET", FuzzText.string(bytes))
        }
        let (rawPath, rawQueryBytes) = GoURL.split(Array(uri.utf8))
        let rawQuery = FuzzText.string(rawQueryBytes)
        try checkQueryString(rawQuery)

        let info: RequestInfo
        do throws(Status) {
            info = try RequestInfo(method: method, uri: uri)
        } catch {
            try expect([400, 422].contains(error.code) && [.badRequest, .invalid].contains(error.reason) && !error.message.isEmpty,
                       "rejected \(show(uri)) with \(error)")
            return
        }
        let path = GoURL.unescape(rawPath, plusIsSpace: false).map(FuzzText.string)
        try expect(info.path == path, "\(show(uri)) has path \(show(info.path)), Go reads \(path.map(show) ?? "an error")")
        try checkShape(info)
        try RequestInfoCanonical.checkRoundTrip(info, rawQuery: rawQuery)
    }

    private static func checkQueryString(_ raw: String) throws(InvariantViolation) {
        let query = QueryString(raw)
        let expected = GoURL.query(Array(raw.utf8)[...])
        try expect(query.items.map(\.name) == expected.map(\.name) && query.items.map(\.value) == expected.map(\.value),
                   "QueryString \(show(raw)) reads \(query.items), Go reads \(expected)")
        let canonical = query.items.map { FuzzText.percentEncoded($0.name) + "=" + FuzzText.percentEncoded($0.value) }
        let again = QueryString(canonical.joined(separator: "&"))
        try expect(again.items == query.items, "QueryString \(show(raw)) re-encoded reads \(again.items), not \(query.items)")
        for item in query.items {
            try expect(query[item.name] == query.values(for: item.name).first && query.contains(item.name),
                       "QueryString lookups disagree on \(show(item.name))")
        }
    }

    private static func checkShape(_ info: RequestInfo) throws(InvariantViolation) {
        guard info.isResourceRequest else {
            try expect(info.verb == nil && info.apiPrefix.isEmpty && info.group.isEmpty && info.version.isEmpty
                       && info.namespace.isEmpty && info.resource.isEmpty && info.name.isEmpty && info.subresource.isEmpty
                       && info.options == ListOptions() && info.objectKey == nil,
                       "a non-resource request carries resource fields: \(info)")
            return
        }
        func isPlain(_ segment: String) -> Bool { !segment.isEmpty && segment != "." && segment != ".." }
        try expect(info.apiPrefix == "apis" || (info.apiPrefix == "api" && info.group.isEmpty), "bad prefix/group in \(info)")
        try expect(isPlain(info.version) && isPlain(info.resource), "version or resource not plain in \(info)")
        try expect((info.name.isEmpty || isPlain(info.name)) && (info.subresource.isEmpty || isPlain(info.subresource)),
                   "name or subresource not plain in \(info)")
        try expect(!info.name.contains("%") && !info.namespace.contains("%"), "a % in namespace or name of \(info)")
        try expect((info.objectKey == nil) == info.name.isEmpty, "objectKey \(String(describing: info.objectKey)) for \(info)")
        try expect(info.options.limit.map { $0 > 0 } ?? true, "limit \(String(describing: info.options.limit))")
        try checkVerb(info)
        if info.verb == .watch && !info.name.isEmpty {
            try expect(info.options.fieldSelector.exactValue(of: "metadata.name") == info.name,
                       "a watch of \(show(info.name)) selects \(info.options.fieldSelector)")
        }
        let labels = info.options.labelSelector
        try expect((try? LabelSelector(parsing: labels.description)) == labels, "label selector \(labels) does not round-trip")
    }

    /// The verb a method and path call for (the API server's `RequestInfoFactory`).
    private static func checkVerb(_ info: RequestInfo) throws(InvariantViolation) {
        let segments = info.path.utf8.split(separator: UInt8(ascii: "/")).map(FuzzText.string)
        let versionIndex = info.apiPrefix == "api" ? 1 : 2
        let pathVerb = segments.count > versionIndex + 1 ? segments[versionIndex + 1] : ""
        if info.verb == .proxy || (pathVerb == "watch" && info.verb == .watch) { return }
        let collection = info.name.isEmpty
        let expected: [RequestInfo.Verb?] = switch info.method {
        case "GET", "HEAD": collection ? [.list, .watch] : [.get]
        case "POST": [.create]
        case "PUT": [.update]
        case "PATCH": [.patch]
        case "DELETE": collection ? [.deletecollection] : [.delete]
        default: [nil]
        }
        try expect(expected.contains(info.verb), "verb \(String(describing: info.verb)) for \(info.method) \(show(info.path))")
    }
}
