import KubeAPI

/// What a handler answers: a complete body, or a watch stream the server writes chunk by chunk.
enum SimResponse: Sendable {
    case full(status: Int, headers: [(String, String)], body: [UInt8])
    /// A large body produced in pieces (LIST), written chunked under back-pressure so a
    /// 300k-object list never sits in memory twice.
    case stream(status: Int, headers: [(String, String)], body: @Sendable (_ emit: ([UInt8]) async throws -> Void) async throws -> Void)
    case watch(WatchSession)

    /// A JSON body with the given status.
    static func json(_ status: Int, _ body: [UInt8], headers: [(String, String)] = []) -> SimResponse {
        .full(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// A `Status` error body with its code (and `Retry-After` when the Status asks for one).
    static func status(_ status: Status) -> SimResponse {
        var headers: [(String, String)] = []
        if let retry = status.details?.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
        return .json(status.code, status.jsonBytes, headers: headers)
    }
}
