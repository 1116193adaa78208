import KubeAPI

/// The list/watch options of a request, validated with the API server's 400s and 422s
/// (KUBERNETES.md "Invalid combinations").
///
/// Seam to KubeAPI's `ListOptions` (same field names); switch when it lands on main.
struct ListQuery: Sendable {
    enum Match: String, Sendable {
        case notOlderThan = "NotOlderThan"
        case exact = "Exact"
    }

    var isWatch = false
    /// nil when unset; `.zero` for "0".
    var resourceVersion: ResourceVersion?
    var resourceVersionMatch: Match?
    var limit: Int?
    var continueToken: String?
    var labelSelector: String?
    var fieldSelector: String?
    var timeoutSeconds: Int?
    var allowWatchBookmarks = false
    var sendInitialEvents: Bool?

    init() {}

    init(_ request: SimRequest, isWatch: Bool) throws(Status) {
        self.isWatch = isWatch
        func bool(_ name: String) -> Bool? {
            guard let value = request.queryValue(name) else { return nil }
            return value == "true" || value == "1"
        }
        if let text = request.queryValue("resourceVersion"), !text.isEmpty {
            resourceVersion = try ResourceVersion(parsing: text)
        }
        if let text = request.queryValue("limit"), !text.isEmpty {
            guard let value = Int(text) else { throw Status.badRequest("invalid limit \"\(text)\"") }
            limit = value > 0 ? value : nil
        }
        if let text = request.queryValue("timeoutSeconds"), !text.isEmpty {
            guard let value = Int(text) else { throw Status.badRequest("invalid timeoutSeconds \"\(text)\"") }
            timeoutSeconds = value
        }
        if let text = request.queryValue("continue"), !text.isEmpty { continueToken = text }
        labelSelector = request.queryValue("labelSelector")
        fieldSelector = request.queryValue("fieldSelector")
        allowWatchBookmarks = bool("allowWatchBookmarks") ?? false
        sendInitialEvents = bool("sendInitialEvents")
        var causes: [Status.Cause] = []
        func forbid(_ field: String, _ message: String) {
            causes.append(Status.Cause(reason: "FieldValueForbidden", message: "Forbidden: \(message)", field: field))
        }
        let matchText = request.queryValue("resourceVersionMatch") ?? ""
        if !matchText.isEmpty { resourceVersionMatch = Match(rawValue: matchText) }
        if isWatch {
            // apimachinery's validateWatchOptions.
            if sendInitialEvents != nil, resourceVersionMatch != .notOlderThan {
                forbid("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")
            }
            if !matchText.isEmpty {
                if sendInitialEvents == nil {
                    forbid("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")
                }
                if resourceVersionMatch != .notOlderThan {
                    causes.append(Status.Cause(
                        reason: "FieldValueNotSupported",
                        message: "Unsupported value: \(JSONString.quoted(matchText)): supported values: \"NotOlderThan\"",
                        field: "resourceVersionMatch"))
                }
                if continueToken != nil {
                    forbid("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")
                }
            }
        } else {
            // apimachinery's ValidateListOptions.
            if !matchText.isEmpty {
                if resourceVersion == nil {
                    forbid("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")
                }
                if continueToken != nil {
                    forbid("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")
                }
                if resourceVersionMatch == nil {
                    causes.append(Status.Cause(
                        reason: "FieldValueNotSupported",
                        message: "Unsupported value: \(JSONString.quoted(matchText)): supported values: \"Exact\", \"NotOlderThan\", \"\"",
                        field: "resourceVersionMatch"))
                }
                if resourceVersionMatch == .exact, resourceVersion == .zero {
                    forbid("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")
                }
            }
            if sendInitialEvents != nil {
                forbid("sendInitialEvents", "sendInitialEvents is forbidden for list")
            }
        }
        if !causes.isEmpty { throw Status.invalidListOptions(causes) }
        if continueToken != nil, let version = resourceVersion, version != .zero {
            throw Status.badRequest("specifying resource version is not allowed when using continue")
        }
    }
}
