import Foundation
import KubeAPI
import KubeUpstream

/// TokenReview and SubjectAccessReview against the upstream API server, with kcache's own
/// credentials (the ClusterRole in `config/default` grants `create` on both).
///
/// Sorts failures by what the client should be told: transport failures, 429 and 5xx are
/// `unavailable` (503, retry); 401/403 (kcache's identity may not review), other statuses and
/// undecodable answers are `failed` (500). Thread-safe; each call is one upstream request.
struct UpstreamAccessReviewer: AccessReviewer {
    let client: UpstreamClient
    /// Bound on each review (an authorized read waits for it).
    let timeout: Duration

    static let tokenReviewPath = "/apis/authentication.k8s.io/v1/tokenreviews"
    static let accessReviewPath = "/apis/authorization.k8s.io/v1/subjectaccessreviews"

    func reviewToken(_ token: String) async throws(ReviewError) -> TokenReviewResult {
        let review = ReviewBodies.TokenReview(spec: .init(token: token))
        let answer: ReviewBodies.TokenReviewAnswer = try await post(review, to: Self.tokenReviewPath, what: "TokenReview")
        guard let status = answer.status, status.authenticated == true, let user = status.user,
              let username = user.username, !username.isEmpty
        else { return .unauthenticated }
        return .authenticated(UserInfo(
            username: username, uid: user.uid ?? "", groups: user.groups ?? [], extra: user.extra ?? [:]))
    }

    func reviewAccess(_ attributes: ResourceAttributes, for user: UserInfo) async throws(ReviewError) -> AccessReviewResult {
        let review = ReviewBodies.SubjectAccessReview(attributes, user: user)
        let answer: ReviewBodies.SubjectAccessReviewAnswer = try await post(review, to: Self.accessReviewPath, what: "SubjectAccessReview")
        guard let status = answer.status else { throw ReviewError.failed("the upstream's SubjectAccessReview has no status") }
        if status.allowed == true && status.denied != true { return .allowed }
        return .denied(reason: status.reason ?? "")
    }

    /// POSTs `body` as JSON and decodes the answer.
    private func post<Review: Encodable, Answer: Decodable>(_ body: Review, to path: String, what: String) async throws(ReviewError) -> Answer {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(body))
        } catch {
            throw .failed("encoding the \(what): \(error)")
        }
        let request = UpstreamRequest(
            method: "POST", pathAndQuery: path,
            headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: .bytes(bytes), timeout: timeout, verb: "create")
        let response: UpstreamResponse
        do {
            response = try await client.send(request, maxBodyBytes: 1 << 20)
        } catch {
            throw .unavailable("the upstream API server could not be asked for a \(what): \(error)")
        }
        switch response.status {
        case 200, 201:
            do {
                return try JSONDecoder().decode(Answer.self, from: Data(response.body))
            } catch {
                throw .failed("the upstream's \(what) answer does not decode: \(error)")
            }
        case 429, 500...599:
            throw .unavailable("the upstream API server answered the \(what) with \(response.status)\(Self.message(response.body))")
        default:
            throw .failed("the upstream API server refused kcache's \(what) with \(response.status)\(Self.message(response.body))")
        }
    }

    /// `: <message>` of a Status body, or nothing.
    private static func message(_ body: [UInt8]) -> String {
        guard let status = body.withUnsafeBytes({ Status.status(fromJSON: $0) }), !status.message.isEmpty else { return "" }
        return ": \(status.message)"
    }
}
