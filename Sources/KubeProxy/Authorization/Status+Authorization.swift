import KubeAPI

/// The errors of cached-read authorization, worded as the API server words them.
extension Status {
    /// The API server's 403 for a denied request (`responsewriters.Forbidden` wrapped by
    /// `apierrors.NewForbidden`):
    /// `<resource>[.<group>] ["<name>"] is forbidden: User "<user>" cannot <verb> resource
    /// "<resource>[/<subresource>]" in API group "<group>" (in the namespace "<ns>" | at the
    /// cluster scope)[: <reason>]`; details name the group, the resource and the object.
    static func forbidden(user: String, attributes: ResourceAttributes, reason: String) -> Status {
        let resource = attributes.subresource.isEmpty ? attributes.resource : "\(attributes.resource)/\(attributes.subresource)"
        let scope = attributes.namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(attributes.namespace)\""
        var cause = "User \"\(user)\" cannot \(attributes.verb) resource \"\(resource)\" in API group \"\(attributes.group)\" \(scope)"
        if !reason.isEmpty { cause += ": \(reason)" }
        let qualified = attributes.group.isEmpty ? attributes.resource : "\(attributes.resource).\(attributes.group)"
        let subject = attributes.name.isEmpty ? qualified : "\(qualified) \"\(attributes.name)\""
        return .forbidden(
            "\(subject) is forbidden: \(cause)", group: attributes.group, resource: attributes.resource, name: attributes.name)
    }

    /// 401 for a request kcache cannot authenticate: it has no bearer token (a client
    /// certificate cannot be forwarded or reviewed).
    static let bearerTokenRequired = Status.unauthorized(
        "kcache forwards only bearer tokens; client certificates and other credentials cannot be forwarded (send a bearer token, or talk to the API server directly)")

    /// The answer when a review could not be made: 503 (retry) or 500; never an allow.
    static func reviewFailed(_ error: ReviewError) -> Status {
        switch error {
        case .unavailable(let message):
            .serviceUnavailable("kcache could not authorize the request: \(message)", retryAfterSeconds: 1)
        case .failed(let message):
            .internalError("kcache could not authorize the request: \(message)")
        }
    }
}
