/// Errors about a request's path and query, with the API server's code, reason and message.
extension Status {
    /// 400 for a `resourceVersion` that is not a decimal `uint64`, worded as the API server's
    /// storage words it: `invalid resource version: resourceVersion: Invalid value: "abc":
    /// strconv.ParseUint: parsing "abc": invalid syntax`.
    public static func invalidResourceVersion(_ text: String) -> Status {
        let problem: GoText.NumberError
        if case .failure(let error) = GoText.parseUInt64(text.utf8) { problem = error } else { problem = .invalidSyntax }
        let parseError = GoText.numErrorMessage(function: "ParseUint", input: text, error: problem)
        return badRequest("invalid resource version: resourceVersion: Invalid value: \(GoText.quote(text)): \(parseError)")
    }

    /// 400 for a LIST with `continue` and a `resourceVersion` other than unset or `"0"`.
    public static func resourceVersionWithContinue() -> Status {
        badRequest("specifying resource version is not allowed when using continue")
    }

    /// 400 for a watch of one named object whose `fieldSelector` names another.
    public static func fieldSelectorNameMismatch() -> Status {
        badRequest("fieldSelector metadata.name doesn't match requested name")
    }

    /// 400 for an integer query parameter (`limit`, `timeoutSeconds`) that Go's
    /// `strconv.ParseInt` rejects: `strconv.ParseInt: parsing "x": invalid syntax`.
    public static func invalidIntegerParameter(_ text: String) -> Status {
        let problem: GoText.NumberError
        if case .failure(let error) = GoText.parseInt64(text.utf8) { problem = error } else { problem = .invalidSyntax }
        return badRequest(GoText.numErrorMessage(function: "ParseInt", input: text, error: problem))
    }

    /// 400 for a request target Go's `url.ParseRequestURI` rejects, in `url.Error`'s words:
    /// `parse "/api/%zz": invalid URL escape "%zz"`. (Go's HTTP server answers these before any
    /// handler runs, with a plain-text `400 Bad Request`.)
    static func invalidRequestURI(_ uri: String, _ problem: String) -> Status {
        badRequest("parse \(GoText.quote(uri)): \(problem)")
    }

    /// A `field.Forbidden` cause of a 422: `<field>: Forbidden: <detail>`.
    static func forbiddenCause(field: String, _ detail: String) -> Cause {
        Cause(reason: "FieldValueForbidden", message: "Forbidden: \(detail)", field: field)
    }

    /// A `field.NotSupported` cause of a 422:
    /// `<field>: Unsupported value: "x": supported values: "a", "b"`.
    static func notSupportedCause(field: String, value: String, supported: [String]) -> Cause {
        let list = supported.map(GoText.quote).joined(separator: ", ")
        return Cause(reason: "FieldValueNotSupported",
                     message: "Unsupported value: \(GoText.quote(value)): supported values: \(list)", field: field)
    }
}
