import KubeAPI

/// What a request asks to do, in the terms of a SubjectAccessReview's `resourceAttributes`:
/// verb, group, version, resource, subresource, namespace, name, and the selector
/// requirements (authorization.k8s.io/v1, selectors since 1.31).
///
/// Built from a request KubeSim serves (as the API server's authorization filter builds its
/// attributes) or from a SubjectAccessReview's spec. Value type.
struct AccessAttributes: Sendable, Hashable {
    /// One selector requirement with the review API's operators (`In`, `NotIn`, `Exists`,
    /// `DoesNotExist`).
    struct Requirement: Sendable, Hashable {
        var key: String
        var op: String
        var values: [String]
    }

    var verb: String
    var group = ""
    var version = ""
    var resource = ""
    var subresource = ""
    var namespace = ""
    var name = ""
    var fieldRequirements: [Requirement] = []
    var labelRequirements: [Requirement] = []

    /// The attributes of a resource request, with its selectors converted as the API server's
    /// webhook authorizer converts them: `=`/`==`/`in` → `In`, `!=`/`notin` → `NotIn`; label
    /// `>` and `<` cannot be expressed and are left out (requirements only narrow a request).
    init(info: RequestInfo) {
        verb = info.verb?.rawValue ?? info.method.lowercased()
        group = info.group
        version = info.version
        resource = info.resource
        subresource = info.subresource
        namespace = info.namespace
        name = info.name
        fieldRequirements = Self.requirements(info.options.fieldSelector)
        labelRequirements = Self.requirements(info.options.labelSelector)
    }

    static func requirements(_ selector: FieldSelector) -> [Requirement] {
        selector.requirements.map { requirement in
            Requirement(key: requirement.field, op: requirement.op == .notEquals ? "NotIn" : "In", values: [requirement.value])
        }
    }

    static func requirements(_ selector: LabelSelector) -> [Requirement] {
        selector.requirements.compactMap { requirement in
            switch requirement.op {
            case .equals, .doubleEquals, .in: Requirement(key: requirement.key, op: "In", values: requirement.values)
            case .notEquals, .notIn: Requirement(key: requirement.key, op: "NotIn", values: requirement.values)
            case .exists: Requirement(key: requirement.key, op: "Exists", values: [])
            case .doesNotExist: Requirement(key: requirement.key, op: "DoesNotExist", values: [])
            case .greaterThan, .lessThan: nil
            }
        }
    }

    init(verb: String) {
        self.verb = verb
    }

    /// `resource/subresource`, as RBAC names it.
    var qualifiedResource: String {
        subresource.isEmpty ? resource : "\(resource)/\(subresource)"
    }
}
