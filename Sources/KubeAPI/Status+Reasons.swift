/// Constructors for the errors kcache answers with, each with the code, reason and message
/// shape the API server uses for the same situation.
extension Status {
    /// 404: `<resource> "<name>" not found` (resource as `pods` or `deployments.apps`).
    public static func notFound(group: String = "", resource: String, name: String) -> Status {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return Status(
            code: 404, reason: .notFound, message: "\(qualified) \"\(name)\" not found",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    /// 404 for a path that names no resource: the API server's plain `404 page not found`
    /// Status.
    public static func pathNotFound() -> Status {
        Status(code: 404, reason: .notFound, message: "the server could not find the requested resource",
               details: Details())
    }

    /// 409 AlreadyExists: `<resource> "<name>" already exists`.
    public static func alreadyExists(group: String = "", resource: String, name: String) -> Status {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return Status(
            code: 409, reason: .alreadyExists, message: "\(qualified) \"\(name)\" already exists",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    /// 409 Conflict, for example a stale resourceVersion on update.
    public static func conflict(group: String = "", resource: String, name: String, message: String) -> Status {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return Status(
            code: 409, reason: .conflict,
            message: "Operation cannot be fulfilled on \(qualified) \"\(name)\": \(message)",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    /// 400 BadRequest with the given message.
    public static func badRequest(_ message: String) -> Status {
        Status(code: 400, reason: .badRequest, message: message)
    }

    /// 422 Invalid for list options, in the API server's form:
    /// `ListOptions.meta.k8s.io "" is invalid: <field>: <problem>`.
    public static func invalidListOptions(_ causes: [Cause]) -> Status {
        let summary = causes.map { cause in
            cause.field.map { "\($0): \(cause.message)" } ?? cause.message
        }
        let joined = summary.count == 1 ? summary[0] : "[\(summary.joined(separator: ", "))]"
        return Status(
            code: 422, reason: .invalid,
            message: "ListOptions.meta.k8s.io \"\" is invalid: \(joined)",
            details: Details(group: "meta.k8s.io", kind: "ListOptions", causes: causes))
    }

    /// 422 Invalid for an object, in the API server's form:
    /// `<Kind> "<name>" is invalid: <field>: <problem>`.
    public static func invalid(group: String = "", kind: String, name: String, causes: [Cause]) -> Status {
        let summary = causes.map { cause in
            cause.field.map { "\($0): \(cause.message)" } ?? cause.message
        }
        let joined = summary.count == 1 ? summary[0] : "[\(summary.joined(separator: ", "))]"
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        return Status(
            code: 422, reason: .invalid, message: "\(qualifiedKind) \"\(name)\" is invalid: \(joined)",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: kind, causes: causes))
    }

    /// 410 Expired: `too old resource version: <requested> (<oldest available>)`.
    public static func expired(requested: ResourceVersion, oldest: ResourceVersion) -> Status {
        Status(code: 410, reason: .expired, message: "too old resource version: \(requested) (\(oldest))")
    }

    /// 410 Expired for a continue token whose list can no longer be served.
    public static func expiredContinue() -> Status {
        Status(
            code: 410, reason: .expired,
            message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
    }

    /// 504 Timeout with cause `ResourceVersionTooLarge`: an RV the server has not reached.
    public static func resourceVersionTooLarge() -> Status {
        Status(
            code: 504, reason: .timeout,
            message: "Too large resource version",
            details: Details(
                causes: [Cause(reason: "ResourceVersionTooLarge", message: "Too large resource version")],
                retryAfterSeconds: 1))
    }

    /// 504 Timeout with a message.
    public static func timeout(_ message: String, retryAfterSeconds: Int? = nil) -> Status {
        Status(code: 504, reason: .timeout, message: message,
               details: retryAfterSeconds.map { Details(retryAfterSeconds: $0) })
    }

    /// 429 TooManyRequests, with the seconds a client should wait.
    public static func tooManyRequests(_ message: String, retryAfterSeconds: Int = 1) -> Status {
        Status(code: 429, reason: .tooManyRequests, message: message,
               details: Details(retryAfterSeconds: retryAfterSeconds))
    }

    /// 503 ServiceUnavailable.
    public static func serviceUnavailable(_ message: String, retryAfterSeconds: Int? = nil) -> Status {
        Status(code: 503, reason: .serviceUnavailable, message: message,
               details: retryAfterSeconds.map { Details(retryAfterSeconds: $0) })
    }

    /// 405 MethodNotAllowed.
    public static func methodNotAllowed(_ message: String) -> Status {
        Status(code: 405, reason: .methodNotAllowed, message: message)
    }

    /// 406 NotAcceptable.
    public static func notAcceptable(_ message: String) -> Status {
        Status(code: 406, reason: .notAcceptable, message: message)
    }

    /// 415 UnsupportedMediaType.
    public static func unsupportedMediaType(_ message: String) -> Status {
        Status(code: 415, reason: .unsupportedMediaType, message: message)
    }

    /// 413 RequestEntityTooLarge.
    public static func requestEntityTooLarge(_ message: String) -> Status {
        Status(code: 413, reason: .requestEntityTooLarge, message: message)
    }

    /// 403 Forbidden in the API server's words: `<resource> "<name>" is forbidden: User "u"
    /// cannot <verb> resource "<resource>" in API group "<group>" in the namespace "<ns>"`.
    public static func forbidden(_ message: String, group: String = "", resource: String = "", name: String = "") -> Status {
        Status(code: 403, reason: .forbidden, message: message,
               details: Details(name: name.isEmpty ? nil : name, group: group.isEmpty ? nil : group,
                                kind: resource.isEmpty ? nil : resource))
    }

    /// 401 Unauthorized.
    public static func unauthorized(_ message: String = "Unauthorized") -> Status {
        Status(code: 401, reason: .unauthorized, message: message)
    }

    /// 500 InternalError.
    public static func internalError(_ message: String) -> Status {
        Status(code: 500, reason: .internalError, message: "Internal error occurred: \(message)",
               details: Details(causes: [Cause(reason: "", message: message)]))
    }

    /// The `Status` with `status: "Success"` that DELETE answers for most built-in kinds.
    public static func deleted(group: String = "", resource: String, name: String, uid: String) -> Status {
        Status(code: 200, reason: .unknown, message: "",
               details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource, uid: uid),
               isSuccess: true)
    }
}
