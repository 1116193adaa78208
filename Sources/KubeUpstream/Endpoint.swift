import Foundation

/// The server URL split for libcurl: the base every request path is appended to and, with a
/// `tls-server-name`, the `CURLOPT_CONNECT_TO` entry that keeps the connection going to the
/// real host while SNI and certificate verification use the given name.
struct Endpoint: Sendable {
    /// `scheme://host[:port][/prefix]`, no trailing slash.
    let base: String
    let connectTo: String?

    init(server: String, tlsServerName: String?) throws {
        guard let components = URLComponents(string: server), let scheme = components.scheme,
              let host = components.host
        else { throw UpstreamError(.invalidRequest, "invalid server URL \(server)") }
        let port = components.port ?? (scheme.lowercased() == "https" ? 443 : 80)
        let prefix = components.percentEncodedPath.hasSuffix("/")
            ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        if let name = tlsServerName, !name.isEmpty, name != host {
            let realHost = host.contains(":") ? "[\(host)]" : host
            base = "\(scheme)://\(name):\(port)\(prefix)"
            connectTo = "\(name):\(port):\(realHost):\(port)"
        } else {
            var trimmed = server
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            base = trimmed
            connectTo = nil
        }
    }

    func url(for pathAndQuery: String) -> String {
        pathAndQuery.hasPrefix("/") ? base + pathAndQuery : "\(base)/\(pathAndQuery)"
    }
}
