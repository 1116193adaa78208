/// Asks the upstream who a token is (TokenReview) and whether that user may do something
/// (SubjectAccessReview). kcache's own calls, made with kcache's credentials.
///
/// `UpstreamAccessReviewer` talks to the API server; tests substitute fakes to drive the
/// decision cache without a network. Implementations are called from any task, concurrently.
protocol AccessReviewer: Sendable {
    /// The user `token` authenticates as, or `.unauthenticated`.
    func reviewToken(_ token: String) async throws(ReviewError) -> TokenReviewResult

    /// Whether `user` may perform `attributes`.
    func reviewAccess(_ attributes: ResourceAttributes, for user: UserInfo) async throws(ReviewError) -> AccessReviewResult
}

enum TokenReviewResult: Sendable, Hashable {
    case authenticated(UserInfo)
    case unauthenticated
}

enum AccessReviewResult: Sendable, Hashable {
    case allowed
    /// Denied (or no authorizer had an opinion); `reason` is the review's, often empty.
    case denied(reason: String)
}

/// Why a review could not be made. Never cached, never read as an allow.
enum ReviewError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The upstream is unreachable or overloaded (transport failure, 429, 5xx): 503 for the
    /// client, who may retry.
    case unavailable(String)
    /// The upstream refused or garbled the review (kcache may not create reviews, the answer
    /// does not decode): 500, a configuration problem for the operator.
    case failed(String)

    var description: String {
        switch self {
        case .unavailable(let message), .failed(let message): message
        }
    }
}
