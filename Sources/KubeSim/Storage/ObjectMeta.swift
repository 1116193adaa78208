import Foundation
import KubeAPI

/// Small helpers over an object's `metadata`, and the server-generated values the API server
/// fills in (uid, timestamps, generated names).
enum ObjectMeta {
    static func metadata(of object: JSONObject) -> JSONObject {
        object.object("metadata") ?? JSONObject()
    }

    /// Applies `change` to the object's metadata (creating it when absent).
    static func update(_ object: inout JSONObject, _ change: (inout JSONObject) -> Void) {
        var metadata = metadata(of: object)
        change(&metadata)
        object["metadata"] = .object(metadata)
    }

    /// A new object uid (RFC 4122 v4, lowercase, as the API server writes them).
    static func newUID() -> String {
        UUID().uuidString.lowercased()
    }

    /// Now as an RFC 3339 UTC timestamp with second precision (`metav1.Time`).
    static func now() -> String {
        timestamp(Date())
    }

    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The 5 random characters the API server appends to `generateName`.
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// Whether `name` is a lowercase RFC 1123 subdomain (the rule for most kinds' names).
    static func isDNSSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabelLike($0, limit: 253) }
    }

    /// Whether `name` is a lowercase RFC 1123 label (namespaces, services).
    static func isDNSLabel(_ name: String) -> Bool {
        isDNSLabelLike(Substring(name), limit: 63)
    }

    private static func isDNSLabelLike(_ part: Substring, limit: Int) -> Bool {
        let bytes = Array(part.utf8)
        guard !bytes.isEmpty, bytes.count <= limit else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
}
