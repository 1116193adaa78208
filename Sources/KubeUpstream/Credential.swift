/// The credential one request carries: an `Authorization` value and/or a client certificate
/// (from an exec plugin; kubeconfig certificates live in `TLSSettings`).
///
/// `generation` increases whenever the provider's credential changes, so a request rejected
/// with 401 can tell whether a newer credential already exists. Never logged.
struct Credential: Sendable, Hashable {
    var authorization: SecretString?
    var clientCertificate: [UInt8]?
    var clientKey: SecretBytes?
    var generation: Int

    static let none = Credential(authorization: nil, clientCertificate: nil, clientKey: nil, generation: 0)
}

/// Key material that must not be printed.
struct SecretBytes: Sendable, Hashable, CustomStringConvertible {
    var bytes: [UInt8]
    var description: String { "<redacted, \(bytes.count) bytes>" }
}
