/// The two review resources KubeSim serves.
enum ReviewEndpoint {
    case tokenReview
    case subjectAccessReview

    init?(path: String) {
        switch path {
        case "/apis/authentication.k8s.io/v1/tokenreviews": self = .tokenReview
        case "/apis/authorization.k8s.io/v1/subjectaccessreviews": self = .subjectAccessReview
        default: return nil
        }
    }

    var group: String {
        switch self {
        case .tokenReview: "authentication.k8s.io"
        case .subjectAccessReview: "authorization.k8s.io"
        }
    }

    var resource: String {
        switch self {
        case .tokenReview: "tokenreviews"
        case .subjectAccessReview: "subjectaccessreviews"
        }
    }

    /// As `RequestCounters` names resources: `tokenreviews.authentication.k8s.io`.
    var groupResource: String { "\(resource).\(group)" }
}
