import KubeAPI

/// The canonical form of a parsed request, and the check that it resolves to the same request:
/// the decoded path percent-encoded again, and a query rebuilt from the parsed options.
///
/// What the rebuilt query carries: each option that differs from its default, selectors in
/// their canonical `description`, and two things taken as written because the API server
/// judges the text, not the value: `resourceVersion` (`"00"` with `Exact` is allowed, `"0"`
/// is not) and, for LIST and WATCH, the query's own `watch` flag (a legacy `/watch/` path is
/// validated as a LIST). Field selectors are compared as sets of terms: a canonical selector
/// may list its terms in another order (the parser sorts the raw terms).
enum RequestInfoCanonical {
    static func checkRoundTrip(_ info: RequestInfo, rawQuery: String) throws(InvariantViolation) {
        let original = QueryString(rawQuery)
        let options = info.options
        var items: [(String, String)] = []
        let watchFlag = original["watch"].map { !($0 == "0" || $0.lowercased() == "false") } ?? false
        switch info.verb {
        case .list?, .watch?: if watchFlag { items.append(("watch", "true")) }
        case .get?: break
        default: if options.isWatch { items.append(("watch", "true")) }
        }
        if options.resourceVersion != nil, let text = original["resourceVersion"] { items.append(("resourceVersion", text)) }
        if let match = options.resourceVersionMatch { items.append(("resourceVersionMatch", match.rawValue)) }
        if let limit = options.limit { items.append(("limit", String(limit))) }
        if let token = options.continueToken { items.append(("continue", token)) }
        if !options.labelSelector.isEverything { items.append(("labelSelector", options.labelSelector.description)) }
        if !options.fieldSelector.isEverything { items.append(("fieldSelector", options.fieldSelector.description)) }
        if let seconds = options.timeoutSeconds { items.append(("timeoutSeconds", String(seconds))) }
        if options.allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        if let send = options.sendInitialEvents { items.append(("sendInitialEvents", send ? "true" : "false")) }

        var uri = FuzzText.percentEncoded(info.path, keepingSlash: true)
        if !items.isEmpty {
            uri += "?" + items.map { FuzzText.percentEncoded($0.0) + "=" + FuzzText.percentEncoded($0.1) }.joined(separator: "&")
        }
        let again: RequestInfo
        do throws(Status) {
            again = try RequestInfo(method: info.method, uri: uri)
        } catch {
            throw InvariantViolation("canonical form \(show(uri)) of \(info) is rejected: \(error)")
        }
        try expect(normalized(again) == normalized(info), "canonical form \(show(uri)) reads \(again), not \(info)")
    }

    /// The request with its field selector's terms in a fixed order and `==` written `=`.
    static func normalized(_ info: RequestInfo) -> RequestInfo {
        var copy = info
        let terms = info.options.fieldSelector.requirements.map { term in
            FieldSelector.Requirement(field: term.field, op: term.op == .notEquals ? .notEquals : .equals, value: term.value)
        }
        copy.options.fieldSelector = FieldSelector(requirements: terms.sorted { $0.description.utf8.lexicographicallyPrecedes($1.description.utf8) })
        return copy
    }
}
