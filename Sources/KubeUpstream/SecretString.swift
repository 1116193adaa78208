/// A credential (bearer token, password, private key text) that must never reach a log line or
/// an error message.
///
/// Its `description` and `debugDescription` print only that a secret of some length is there,
/// so string interpolation into a log or error is harmless. Read `value` only where the secret
/// goes on the wire (the `Authorization` header).
public struct SecretString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted, \(value.utf8.count) bytes>" }
    public var debugDescription: String { description }
}
