/// A Kubernetes `Status` object: the body of every error a client sees.
///
/// Encodes exactly as the API server does (`kind`, `apiVersion`, `metadata`, `status`,
/// `message`, `reason`, `details`, `code`, in that order), so clients that decode errors
/// (client-go's `errors.IsNotFound`, kubectl's messages) behave as they would against the real
/// server. `Status` is also the error type of KubeAPI's parsers: a parse failure already carries
/// the code, reason and message the API server would answer with.
public struct Status: Error, Hashable, Sendable, CustomStringConvertible {
    /// HTTP status code, mirrored in the body's `code` field.
    public var code: Int
    public var reason: StatusReason
    public var message: String
    public var details: Details?

    /// `"Success"` for the bodies of successful deletes, `"Failure"` for errors.
    public var isSuccess: Bool

    public init(code: Int, reason: StatusReason, message: String, details: Details? = nil, isSuccess: Bool = false) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.isSuccess = isSuccess
    }

    /// What the error is about: `details` of a Kubernetes Status.
    public struct Details: Hashable, Sendable {
        public var name: String?
        public var group: String?
        /// The resource (plural) or kind the error is about, as the API server fills it.
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]
        public var retryAfterSeconds: Int?

        public init(
            name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
            causes: [Cause] = [], retryAfterSeconds: Int? = nil
        ) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// One cause of a `Status`: machine-readable reason, message, and the field it concerns.
    public struct Cause: Hashable, Sendable {
        public var reason: String
        public var message: String
        public var field: String?

        public init(reason: String, message: String, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public var description: String { "\(code) \(reason.rawValue): \(message)" }
}

/// The `reason` of a `Status`, spelled as the API server spells it.
public enum StatusReason: String, Hashable, Sendable, CaseIterable {
    case unknown = ""
    case notFound = "NotFound"
    case alreadyExists = "AlreadyExists"
    case conflict = "Conflict"
    case invalid = "Invalid"
    case badRequest = "BadRequest"
    case expired = "Expired"
    case gone = "Gone"
    case timeout = "Timeout"
    case tooManyRequests = "TooManyRequests"
    case serviceUnavailable = "ServiceUnavailable"
    case methodNotAllowed = "MethodNotAllowed"
    case notAcceptable = "NotAcceptable"
    case unsupportedMediaType = "UnsupportedMediaType"
    case requestEntityTooLarge = "RequestEntityTooLarge"
    case forbidden = "Forbidden"
    case unauthorized = "Unauthorized"
    case internalError = "InternalError"
}
