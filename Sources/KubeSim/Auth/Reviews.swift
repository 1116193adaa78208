import KubeAPI

/// The TokenReview (`authentication.k8s.io/v1`) and SubjectAccessReview
/// (`authorization.k8s.io/v1`) endpoints, answered from a policy as the API server answers
/// them: `201 Created` with the review echoed and its `status` filled in; `400`/`422` for
/// malformed reviews. Value type, built per request.
struct Reviews: Sendable {
    let policy: KubeSim.AuthPolicy

    /// `status.authenticated` and `status.user{username,uid,groups}` for a known token;
    /// `status.user{}` and `status.error` (authenticated omitted, i.e. false) for an unknown one.
    func tokenReview(_ body: [UInt8]) -> SimResponse {
        let review: JSONObject
        switch parse(body) {
        case .success(let object): review = object
        case .failure(let status): return .status(status)
        }
        let spec = review.object("spec") ?? JSONObject()
        guard let token = spec.string("token"), !token.isEmpty else {
            return .status(Status.badRequest("token is required for TokenReview in authentication"))
        }
        var status = JSONObject()
        if let user = policy.user(forToken: token) {
            status["authenticated"] = .bool(true)
            status["user"] = .object(JSONObject([
                ("username", .string(user.name)), ("uid", .string(user.uid)),
                ("groups", .array(user.groups.map { .string($0) })),
            ]))
            status["audiences"] = spec["audiences"] ?? .array([])
        } else {
            status["user"] = .object(JSONObject())
            status["error"] = .string("invalid bearer token")
        }
        return answer(kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", spec: spec, status: status)
    }

    /// `status.allowed` and `status.reason`, decided by the policy for `spec.user` and
    /// `spec.groups`; non-resource requests are allowed (KubeSim's non-resource paths are
    /// open). Selector requirements are read from `requirements`, or parsed from
    /// `rawSelector` when only that is given, as the API server does.
    func subjectAccessReview(_ body: [UInt8]) -> SimResponse {
        let review: JSONObject
        switch parse(body) {
        case .success(let object): review = object
        case .failure(let status): return .status(status)
        }
        let spec = review.object("spec") ?? JSONObject()
        let user = spec.string("user") ?? ""
        let groups = spec["groups"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if user.isEmpty && groups.isEmpty {
            return .status(invalid(field: "spec.user", "Invalid value: \"\": at least one of user or group must be specified"))
        }
        var status = JSONObject()
        switch (spec.object("resourceAttributes"), spec.object("nonResourceAttributes")) {
        case (let resource?, nil):
            let attributes: AccessAttributes
            do {
                attributes = try Self.attributes(resource)
            } catch {
                return .status(error)
            }
            let decision = policy.decide(user: user, groups: groups, attributes: attributes)
            status["allowed"] = .bool(decision.allowed)
            if !decision.reason.isEmpty { status["reason"] = .string(decision.reason) }
        case (nil, _?):
            status["allowed"] = .bool(true)
            status["reason"] = .string("KubeSim: non-resource paths are open")
        default:
            return .status(invalid(
                field: "spec.resourceAttributes",
                "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        }
        return answer(kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", spec: spec, status: status)
    }

    /// A review's `resourceAttributes` as attributes to decide on.
    /// - Throws: 400 for a `rawSelector` that does not parse.
    static func attributes(_ resource: JSONObject) throws(Status) -> AccessAttributes {
        var attributes = AccessAttributes(verb: resource.string("verb") ?? "")
        attributes.group = resource.string("group") ?? ""
        attributes.version = resource.string("version") ?? ""
        attributes.resource = resource.string("resource") ?? ""
        attributes.subresource = resource.string("subresource") ?? ""
        attributes.namespace = resource.string("namespace") ?? ""
        attributes.name = resource.string("name") ?? ""
        if let field = resource.object("fieldSelector") {
            attributes.fieldRequirements = requirements(field)
            if attributes.fieldRequirements.isEmpty, let raw = field.string("rawSelector") {
                attributes.fieldRequirements = AccessAttributes.requirements(try FieldSelector(parsing: raw))
            }
        }
        if let label = resource.object("labelSelector") {
            attributes.labelRequirements = requirements(label)
            if attributes.labelRequirements.isEmpty, let raw = label.string("rawSelector") {
                attributes.labelRequirements = AccessAttributes.requirements(try LabelSelector(parsing: raw))
            }
        }
        return attributes
    }

    private static func requirements(_ selector: JSONObject) -> [AccessAttributes.Requirement] {
        (selector["requirements"]?.arrayValue ?? []).compactMap { value in
            guard let requirement = value.objectValue, let key = requirement.string("key"),
                  let op = requirement.string("operator") else { return nil }
            return AccessAttributes.Requirement(
                key: key, op: op, values: requirement["values"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }

    private func parse(_ body: [UInt8]) -> Result<JSONObject, Status> {
        guard let object = (try? JSONParser.parse(body))?.objectValue else {
            return .failure(Status.badRequest("the body of the request was in an unknown format - accepted media types include: application/json"))
        }
        return .success(object)
    }

    private func invalid(field: String, _ message: String) -> Status {
        Status.invalid(
            group: "authorization.k8s.io", kind: "SubjectAccessReview", name: "",
            causes: [Status.Cause(reason: "FieldValueInvalid", message: message, field: field)])
    }

    private func answer(kind: String, apiVersion: String, spec: JSONObject, status: JSONObject) -> SimResponse {
        .json(201, JSONValue.object(JSONObject([
            ("kind", .string(kind)), ("apiVersion", .string(apiVersion)),
            ("metadata", .object(JSONObject([("creationTimestamp", .null)]))),
            ("spec", .object(spec)), ("status", .object(status)),
        ])).encoded)
    }
}
