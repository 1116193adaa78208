import Foundation

/// The `client.authentication.k8s.io` ExecCredential exchange with a credential plugin: the
/// `KUBERNETES_EXEC_INFO` input and the parsing of the plugin's output.
///
/// Like client-go: the input always carries `spec.interactive` (false: kcache has no terminal)
/// and, with `provideClusterInfo`, `spec.cluster`; the output must be an ExecCredential of the
/// same apiVersion with `status.token` or both `clientCertificateData` and `clientKeyData`, and
/// may carry an RFC 3339 `expirationTimestamp`. Errors never quote the output (it holds secrets).
enum ExecCredential {
    static let supportedVersions: Set<String> = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    /// What a plugin returned.
    struct Status: Sendable {
        var token: SecretString?
        var clientCertificate: [UInt8]?
        var clientKey: SecretBytes?
        var expiration: Date?
    }

    /// The JSON for `KUBERNETES_EXEC_INFO`.
    static func execInfo(for config: ExecConfig) -> String {
        var spec: [String: Any] = ["interactive": false]
        if config.provideClusterInfo, let cluster = config.cluster {
            var info: [String: Any] = ["server": cluster.server]
            if let name = cluster.tlsServerName { info["tls-server-name"] = name }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
            if let ca = cluster.certificateAuthorityData { info["certificate-authority-data"] = Data(ca).base64EncodedString() }
            if let proxy = cluster.proxyURL { info["proxy-url"] = proxy }
            spec["cluster"] = info
        }
        let object: [String: Any] = ["kind": "ExecCredential", "apiVersion": config.apiVersion, "spec": spec]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The fields of a plugin's output that matter, decoded leniently (unknown keys ignored).
    private struct Output: Decodable {
        var kind: String?
        var apiVersion: String?
        var status: StatusField?

        /// `status` of the output.
        struct StatusField: Decodable {
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
            var expirationTimestamp: String?
        }
    }

    /// Parses a plugin's standard output for `config`.
    static func parse(_ output: [UInt8], config: ExecConfig) throws(UpstreamError) -> Status {
        let plugin = "exec plugin \(config.command)"
        let decoded: Output
        do {
            decoded = try JSONDecoder().decode(Output.self, from: Data(output))
        } catch {
            throw UpstreamError(.credentials, "\(plugin): its output is not an ExecCredential JSON object")
        }
        guard decoded.kind == "ExecCredential" else {
            throw UpstreamError(.credentials, "\(plugin): output kind is \(decoded.kind.map { "\"\($0)\"" } ?? "missing"), want \"ExecCredential\"")
        }
        guard decoded.apiVersion == config.apiVersion else {
            throw UpstreamError(.credentials, "\(plugin): output apiVersion \(decoded.apiVersion.map { "\"\($0)\"" } ?? "missing") does not match the configured \"\(config.apiVersion)\"")
        }
        guard let status = decoded.status else { throw UpstreamError(.credentials, "\(plugin): output has no status") }
        var result = Status()
        if let token = status.token, !token.isEmpty { result.token = SecretString(token) }
        let certificate = status.clientCertificateData.flatMap { $0.isEmpty ? nil : $0 }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : $0 }
        if (certificate == nil) != (key == nil) {
            throw UpstreamError(.credentials, "\(plugin): status.clientCertificateData and status.clientKeyData must come together")
        }
        result.clientCertificate = certificate.map { Array($0.utf8) }
        result.clientKey = key.map { SecretBytes(bytes: Array($0.utf8)) }
        guard result.token != nil || result.clientCertificate != nil else {
            throw UpstreamError(.credentials, "\(plugin): status has neither a token nor a client certificate")
        }
        if let stamp = status.expirationTimestamp, !stamp.isEmpty {
            guard let date = parseTimestamp(stamp) else {
                throw UpstreamError(.credentials, "\(plugin): status.expirationTimestamp \"\(stamp)\" is not an RFC 3339 time")
            }
            result.expiration = date
        }
        return result
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
