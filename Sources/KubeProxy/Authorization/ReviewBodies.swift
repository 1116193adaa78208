/// The wire forms of TokenReview (`authentication.k8s.io/v1`) and SubjectAccessReview
/// (`authorization.k8s.io/v1`): only the fields kcache sends or reads. Absent optionals are
/// left out of what is sent, as Go's `omitempty` leaves them out.
enum ReviewBodies {
    /// A TokenReview to send.
    struct TokenReview: Encodable {
        var apiVersion = "authentication.k8s.io/v1"
        var kind = "TokenReview"
        var spec: Spec

        struct Spec: Encodable {
            var token: String
        }
    }

    /// What kcache reads of the answer: `status` only (the API server echoes the spec, token
    /// included; it is not read).
    struct TokenReviewAnswer: Decodable {
        var status: Status?

        struct Status: Decodable {
            var authenticated: Bool?
            var user: User?
            var error: String?
        }

        struct User: Decodable {
            var username: String?
            var uid: String?
            var groups: [String]?
            var extra: [String: [String]]?
        }
    }

    /// A SubjectAccessReview to send.
    struct SubjectAccessReview: Encodable {
        var apiVersion = "authorization.k8s.io/v1"
        var kind = "SubjectAccessReview"
        var spec: Spec

        struct Spec: Encodable {
            var resourceAttributes: Attributes
            var user: String
            var groups: [String]?
            var uid: String?
            var extra: [String: [String]]?
        }

        /// `resourceAttributes`.
        struct Attributes: Encodable {
            var namespace: String?
            var verb: String
            var group: String?
            var version: String?
            var resource: String
            var subresource: String?
            var name: String?
            var fieldSelector: Selector?
            var labelSelector: Selector?
        }

        /// `FieldSelectorAttributes` and `LabelSelectorAttributes`: requirements only.
        struct Selector: Encodable {
            var requirements: [Requirement]
        }

        struct Requirement: Encodable {
            var key: String
            var `operator`: String
            var values: [String]?
        }

    }

    /// What kcache reads of the answer: `status`.
    struct SubjectAccessReviewAnswer: Decodable {
        var status: Status?

        struct Status: Decodable {
            var allowed: Bool?
            var denied: Bool?
            var reason: String?
            var evaluationError: String?
        }
    }
}

extension ReviewBodies.SubjectAccessReview {
    /// The review of `attributes` for `user`.
    init(_ attributes: ResourceAttributes, user: UserInfo) {
        func nonEmpty(_ value: String) -> String? { value.isEmpty ? nil : value }
        func selector(_ requirements: [ResourceAttributes.Requirement]) -> Selector? {
            requirements.isEmpty ? nil : Selector(requirements: requirements.map {
                Requirement(key: $0.key, operator: $0.op.rawValue, values: $0.values.isEmpty ? nil : $0.values)
            })
        }
        spec = Spec(
            resourceAttributes: Attributes(
                namespace: nonEmpty(attributes.namespace), verb: attributes.verb, group: nonEmpty(attributes.group),
                version: nonEmpty(attributes.version), resource: attributes.resource,
                subresource: nonEmpty(attributes.subresource), name: nonEmpty(attributes.name),
                fieldSelector: selector(attributes.fieldRequirements), labelSelector: selector(attributes.labelRequirements)),
            user: user.username, groups: user.groups.isEmpty ? nil : user.groups, uid: nonEmpty(user.uid),
            extra: user.extra.isEmpty ? nil : user.extra)
    }
}
