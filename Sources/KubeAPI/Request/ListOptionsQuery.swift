/// The LIST/WATCH query parameters as the API server decodes them before validating
/// (`url.Values` → `metav1.ListOptions` → `metainternalversion.ListOptions`): strings kept raw,
/// integers and selectors parsed, booleans read Go's lenient way.
///
/// Decoding fails (`400 BadRequest`) in the API server's order: `timeoutSeconds`, `limit`,
/// `labelSelector`, `fieldSelector`. `validationCauses()` is `ValidateListOptions` (with the
/// WatchList feature on), whose causes the caller turns into a `422`.
struct ListOptionsQuery {
    var labelSelector = LabelSelector.everything
    var fieldSelector = FieldSelector.everything
    var watch = false
    var allowWatchBookmarks = false
    var resourceVersion = ""
    var resourceVersionMatch = ""
    var timeoutSeconds: Int64?
    var limit: Int64 = 0
    var continueToken = ""
    var sendInitialEvents: Bool?

    init(_ query: QueryString) throws(Status) {
        watch = query["watch"].map(ListOptionsQuery.bool) ?? false
        allowWatchBookmarks = query["allowWatchBookmarks"].map(ListOptionsQuery.bool) ?? false
        resourceVersion = query["resourceVersion"] ?? ""
        resourceVersionMatch = query["resourceVersionMatch"] ?? ""
        if let text = query["timeoutSeconds"] { timeoutSeconds = try ListOptionsQuery.integer(text) }
        if let text = query["limit"] { limit = try ListOptionsQuery.integer(text) }
        continueToken = query["continue"] ?? ""
        sendInitialEvents = query["sendInitialEvents"].map(ListOptionsQuery.bool)
        labelSelector = try LabelSelector(parsing: query["labelSelector"] ?? "")
        fieldSelector = try FieldSelector(parsing: query["fieldSelector"] ?? "")
    }

    /// apimachinery's `Convert_Slice_string_To_bool`: only `"0"` and `"false"` (any case) are
    /// false; every other value, the empty one included, is true. Never an error.
    static func bool(_ text: String) -> Bool {
        !(text == "0" || text.lowercased() == "false")
    }

    /// `strconv.ParseInt(text, 10, 64)`, failing as the API server's conversion fails.
    static func integer(_ text: String) throws(Status) -> Int64 {
        guard case .success(let value) = GoText.parseInt64(text.utf8) else {
            throw Status.invalidIntegerParameter(text)
        }
        return value
    }

    /// `ValidateListOptions`' findings, in its order; empty when valid. A watch is judged by the
    /// query's own `watch` flag, so a legacy `/watch/` path is validated as a LIST, as the API
    /// server does.
    func validationCauses() -> [Status.Cause] {
        let match = resourceVersionMatch
        let notOlderThan = ListOptions.ResourceVersionMatch.notOlderThan.rawValue
        let exact = ListOptions.ResourceVersionMatch.exact.rawValue
        var causes: [Status.Cause] = []
        func forbid(_ field: String, _ detail: String) {
            causes.append(Status.forbiddenCause(field: field, detail))
        }
        if watch {
            if sendInitialEvents != nil && match != notOlderThan {
                forbid("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to \(notOlderThan)")
            }
            if !match.isEmpty {
                if sendInitialEvents == nil {
                    forbid("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")
                }
                if match != notOlderThan {
                    causes.append(Status.notSupportedCause(field: "resourceVersionMatch", value: match, supported: [notOlderThan]))
                }
                if !continueToken.isEmpty {
                    forbid("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")
                }
            }
            return causes
        }
        if !match.isEmpty {
            if resourceVersion.isEmpty {
                forbid("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")
            }
            if !continueToken.isEmpty {
                forbid("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")
            }
            if match != exact && match != notOlderThan {
                causes.append(Status.notSupportedCause(field: "resourceVersionMatch", value: match, supported: [exact, notOlderThan, ""]))
            }
            if match == exact && resourceVersion == "0" {
                forbid("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")
            }
        }
        if sendInitialEvents != nil {
            forbid("sendInitialEvents", "sendInitialEvents is forbidden for list")
        }
        return causes
    }
}
