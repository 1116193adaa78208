import KubeAPI

extension Status {
    /// The API server's 403 for a denied request (`responsewriters.Forbidden` with
    /// `apierrors.NewForbidden`):
    /// `<resource>[.<group>] ["<name>"] is forbidden: User "<user>" cannot <verb> resource
    /// "<resource>[/<subresource>]" in API group "<group>" (in the namespace "<ns>" | at the
    /// cluster scope)[: <reason>]`, with details naming the group, the resource and the name.
    static func forbidden(user: String, attributes: AccessAttributes, reason: String) -> Status {
        let scope = attributes.namespace.isEmpty
            ? "at the cluster scope"
            : "in the namespace \"\(attributes.namespace)\""
        var cause = "User \"\(user)\" cannot \(attributes.verb) resource \"\(attributes.qualifiedResource)\" in API group \"\(attributes.group)\" \(scope)"
        if !reason.isEmpty { cause += ": \(reason)" }
        let qualified = attributes.group.isEmpty ? attributes.resource : "\(attributes.resource).\(attributes.group)"
        let subject = attributes.name.isEmpty ? qualified : "\(qualified) \"\(attributes.name)\""
        return .forbidden(
            "\(subject) is forbidden: \(cause)", group: attributes.group, resource: attributes.resource, name: attributes.name)
    }
}
