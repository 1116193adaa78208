/// An authenticated identity as TokenReview reports it (`status.user`), passed on unchanged to
/// SubjectAccessReview (`spec.user`, `spec.uid`, `spec.groups`, `spec.extra`) so the upstream's
/// authorizers see exactly who the API server would see. Value type.
public struct UserInfo: Hashable, Sendable {
    public var username: String
    public var uid: String
    public var groups: [String]
    /// Extra attributes (scopes, the authenticating credential's id, …).
    public var extra: [String: [String]]

    public init(username: String, uid: String = "", groups: [String] = [], extra: [String: [String]] = [:]) {
        self.username = username
        self.uid = uid
        self.groups = groups
        self.extra = extra
    }
}
