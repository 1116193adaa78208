/// Why no usable upstream configuration could be built, naming the file and key (or flag) at
/// fault so the operator can fix it without guessing.
///
/// Rendered as `<file>: <key>: <message>` with absent parts left out, e.g.
/// `kubeconfig /home/me/.kube/config: users["dev"].user.client-key: required with client-certificate`.
/// Never contains a token, password or key material.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file at fault, already prefixed with what it is (`kubeconfig /path`), or nil.
    public var file: String?
    /// The key path inside the file (`clusters["prod"].cluster.server`) or the flag (`--client-key`).
    public var key: String?
    public var message: String

    public init(file: String? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        [file, key, message].compactMap { $0 }.joined(separator: ": ")
    }
}
