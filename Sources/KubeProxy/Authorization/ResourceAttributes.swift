import KubeAPI

/// What a cached read asks to do, as a SubjectAccessReview's `resourceAttributes`
/// (authorization.k8s.io/v1): verb, group, version, resource, subresource, namespace, name,
/// and the request's field and label selectors as requirements (v1.31+).
///
/// Built as the API server builds its authorizer attributes from a request, and converted as
/// its webhook authorizer converts selectors: field `=`/`==` → `In`, `!=` → `NotIn`; label
/// `=`/`==`/`in` → `In`, `!=`/`notin` → `NotIn`, `exists` → `Exists`, `!` → `DoesNotExist`;
/// label `>`/`<` have no form in the review API and are left out (requirements only narrow a
/// request, so leaving one out asks about a broader request, never a narrower one). Only
/// `requirements` are sent, never `rawSelector` (the API server rejects both at once). Part of
/// the decision-cache key, so equal requests compare equal. Value type.
struct ResourceAttributes: Hashable, Sendable {
    /// One selector requirement with the review API's operators.
    struct Requirement: Hashable, Sendable {
        var key: String
        var op: Operator
        var values: [String]
    }

    enum Operator: String, Hashable, Sendable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    var verb: String
    var group: String
    var version: String
    var resource: String
    var subresource: String
    var namespace: String
    var name: String
    var fieldRequirements: [Requirement]
    var labelRequirements: [Requirement]

    init(
        verb: String, group: String = "", version: String = "v1", resource: String, subresource: String = "",
        namespace: String = "", name: String = "", fieldRequirements: [Requirement] = [], labelRequirements: [Requirement] = []
    ) {
        self.verb = verb
        self.group = group
        self.version = version
        self.resource = resource
        self.subresource = subresource
        self.namespace = namespace
        self.name = name
        self.fieldRequirements = fieldRequirements
        self.labelRequirements = labelRequirements
    }

    /// The attributes of a GET, LIST or WATCH (`verb`) as `info` decodes it. The namespace is
    /// the path's (for `/api/v1/namespaces/x`, `x`, as the API server reports it).
    init(info: RequestInfo, verb: RequestInfo.Verb) {
        self.init(
            verb: verb.rawValue, group: info.group, version: info.version, resource: info.resource,
            subresource: info.subresource, namespace: info.namespace, name: info.name,
            fieldRequirements: info.options.fieldSelector.requirements.map { term in
                Requirement(key: term.field, op: term.op == .notEquals ? .notIn : .in, values: [term.value])
            },
            labelRequirements: info.options.labelSelector.requirements.compactMap { requirement in
                let op: Operator
                switch requirement.op {
                case .equals, .doubleEquals, .in: op = .in
                case .notEquals, .notIn: op = .notIn
                case .exists: op = .exists
                case .doesNotExist: op = .doesNotExist
                case .greaterThan, .lessThan: return nil
                }
                return Requirement(key: requirement.key, op: op, values: op == .exists || op == .doesNotExist ? [] : requirement.values)
            })
    }

    /// Bytes of the parts a client controls. The API server's webhook authorizer does not cache
    /// decisions for requests whose attributes exceed 10,000 bytes (a cache-flooding attempt),
    /// and neither does kcache.
    var clientControlledBytes: Int {
        var total = verb.utf8.count + group.utf8.count + version.utf8.count + resource.utf8.count
            + subresource.utf8.count + namespace.utf8.count + name.utf8.count
        for requirement in fieldRequirements + labelRequirements {
            total += requirement.key.utf8.count + requirement.values.reduce(0) { $0 + $1.utf8.count }
        }
        return total
    }
}
