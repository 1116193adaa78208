import Synchronization

/// Authentication and authorization in KubeSim: a token table and RBAC-like rules that answer
/// TokenReview and SubjectAccessReview, and (when `enforce` is set) guard KubeSim's own API.
///
/// Set through `Configuration.auth` or at run time with `setAuthPolicy(_:)`; a change applies
/// to the next request. Without a policy the review endpoints know no token and allow nothing,
/// and KubeSim's own API is open, as before.
extension KubeSim {
    /// Who the "API server" knows and what each may do.
    public struct AuthPolicy: Sendable {
        /// Bearer token → user. A request with a token not in the table gets 401, as the API
        /// server answers an invalid token even when anonymous requests are allowed.
        public var tokens: [String: User]
        /// Access is allowed when any rule grants it (RBAC: rules only add, nothing denies).
        public var rules: [AccessRule]
        /// Whether KubeSim authenticates and authorizes its own resource requests by this
        /// policy (401 for an unknown token, 403 `Status` for a denied request, worded as the
        /// API server words them). Requests without a token are `system:anonymous`.
        /// Discovery, `/version`, OpenAPI and health stay open to everyone, as the API server's
        /// default `system:discovery` and `system:public-info-viewer` roles leave them.
        public var enforce: Bool

        public init(tokens: [String: User] = [:], rules: [AccessRule] = [], enforce: Bool = true) {
            self.tokens = tokens
            self.rules = rules
            self.enforce = enforce
        }
    }

    /// An authenticated identity, as TokenReview reports it.
    public struct User: Sendable, Hashable {
        public var name: String
        public var uid: String
        /// The groups from the table; `system:authenticated` is added when the user is
        /// reported, as the API server adds it.
        public var groups: [String]

        public init(name: String, uid: String? = nil, groups: [String] = []) {
            self.name = name
            self.uid = uid ?? "uid-\(name)"
            self.groups = groups
        }

        /// The identity of requests without credentials.
        public static let anonymous = User(name: "system:anonymous", uid: "", groups: ["system:unauthenticated"])
    }

    /// Who a rule applies to.
    public enum Subject: Sendable, Hashable {
        case user(String)
        case group(String)
    }

    /// One grant: `subjects` may perform `verbs` on `resources` of `apiGroups` in
    /// `namespaces`, like one RBAC PolicyRule bound to them. `"*"` in any list matches
    /// everything; a resource may name a subresource as `pods/log`.
    ///
    /// `namespaces: ["*"]` also grants cluster-wide requests (all namespaces, cluster-scoped
    /// kinds), as a ClusterRoleBinding does; listing namespaces grants only requests within
    /// them, as RoleBindings do. The selector conditions make a rule apply only to requests that
    /// carry those exact selector terms (as the Node authorizer lets a kubelet list pods only
    /// with `fieldSelector=spec.nodeName=<node>`); they exist to prove that reviews carry
    /// selectors.
    public struct AccessRule: Sendable, Hashable {
        public var subjects: [Subject]
        public var verbs: [String]
        public var apiGroups: [String]
        public var resources: [String]
        public var namespaces: [String]
        /// Object names the rule is limited to; empty for all.
        public var names: [String]
        /// Field `key=value` terms the request's field selector must contain.
        public var requiredFieldSelector: [String: String]
        /// Label `key=value` terms the request's label selector must contain.
        public var requiredLabelSelector: [String: String]

        public init(
            _ subjects: [Subject], verbs: [String], apiGroups: [String] = ["*"], resources: [String] = ["*"],
            namespaces: [String] = ["*"], names: [String] = [], requiredFieldSelector: [String: String] = [:],
            requiredLabelSelector: [String: String] = [:]
        ) {
            self.subjects = subjects
            self.verbs = verbs
            self.apiGroups = apiGroups
            self.resources = resources
            self.namespaces = namespaces
            self.names = names
            self.requiredFieldSelector = requiredFieldSelector
            self.requiredLabelSelector = requiredLabelSelector
        }
    }

    /// Replaces the policy (nil: none); the next request sees the new one.
    public func setAuthPolicy(_ policy: AuthPolicy?) {
        auth.setPolicy(policy)
    }

    /// The policy in force.
    public var authPolicy: AuthPolicy? { auth.policy }

    /// Resource requests KubeSim served as `user` (by name, once authenticated; counted only
    /// while a policy enforces), by verb and resource as in `RequestCounters`.
    public func requestCount(user: String, verb: String, resource: String) -> Int {
        auth.ledger.count(user: user, verb: verb, resource: resource)
    }
}
