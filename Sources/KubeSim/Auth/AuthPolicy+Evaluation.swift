/// Deciding with a policy: who a token is, and whether a user may do something. Pure.
extension KubeSim.AuthPolicy {
    /// The user a bearer token names, with `system:authenticated` added; nil for an unknown
    /// token.
    func user(forToken token: String) -> KubeSim.User? {
        guard var user = tokens[token] else { return nil }
        if !user.groups.contains("system:authenticated") { user.groups.append("system:authenticated") }
        return user
    }

    /// Whether `user` (by name and groups) may perform `attributes`, and the reason the API
    /// server's RBAC authorizer would give: the granting rule when allowed, `""` when not
    /// (RBAC has no opinion, and the API server then words the 403 without a reason).
    func decide(user: String, groups: [String], attributes: AccessAttributes) -> (allowed: Bool, reason: String) {
        for (index, rule) in rules.enumerated() where rule.applies(toUser: user, groups: groups) && rule.grants(attributes) {
            return (true, "KubeSim: allowed by rule \(index) to User \"\(user)\"")
        }
        return (false, "")
    }
}

extension KubeSim.AccessRule {
    func applies(toUser user: String, groups: [String]) -> Bool {
        subjects.contains { subject in
            switch subject {
            case .user(let name): name == user
            case .group(let name): groups.contains(name)
            }
        }
    }

    func grants(_ attributes: AccessAttributes) -> Bool {
        guard Self.matches(verbs, attributes.verb), Self.matches(apiGroups, attributes.group),
              resources.contains("*") || resources.contains(attributes.qualifiedResource),
              names.isEmpty || names.contains(attributes.name)
        else { return false }
        // Cluster-wide requests (no namespace) need a cluster-wide grant.
        guard namespaces.contains("*") || (!attributes.namespace.isEmpty && namespaces.contains(attributes.namespace)) else {
            return false
        }
        return Self.contains(attributes.fieldRequirements, requiredFieldSelector)
            && Self.contains(attributes.labelRequirements, requiredLabelSelector)
    }

    private static func matches(_ allowed: [String], _ value: String) -> Bool {
        allowed.contains("*") || allowed.contains(value)
    }

    /// Whether every `key=value` of `required` is one of `requirements` (as `In [value]`).
    private static func contains(_ requirements: [AccessAttributes.Requirement], _ required: [String: String]) -> Bool {
        required.allSatisfy { key, value in
            requirements.contains { $0.key == key && $0.op == "In" && $0.values == [value] }
        }
    }
}
