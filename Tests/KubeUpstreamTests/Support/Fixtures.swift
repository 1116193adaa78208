import Foundation
import Logging
@testable import KubeUpstream

/// Shared test helpers: clients against a test server, JSON decoding of `/echo` answers.
enum Fixtures {
    static func client(
        _ server: TestServer, credentials: CredentialSource = .none, tls: TLSSettings = TLSSettings(),
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: (inout UpstreamClient.Configuration) -> Void = { _ in }
    ) throws -> UpstreamClient {
        var configuration = UpstreamClient.Configuration()
        configuration.metricsFactory = TestMetrics()
        configure(&configuration)
        let cluster = ClusterConfiguration(server: server.url, tls: tls, credentials: credentials)
        return try UpstreamClient(cluster: cluster, configuration: configuration, logger: logger)
    }

    /// What `/echo` answered.
    struct Echo: Decodable {
        var method: String
        var path: String
        var client_port: Int
        var headers: [[String]]
        var chunked: Bool
        var body_length: Int
        var body_sha256: String
        var client_certificate: Bool

        func header(_ name: String) -> String? {
            headers.first { $0[0].lowercased() == name.lowercased() }?[1]
        }

        func has(_ name: String) -> Bool { header(name) != nil }
    }

    static func echo(_ response: UpstreamResponse) throws -> Echo {
        try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    /// The bytes the test server's `/bytes` route sends: `i % 251` at offset `i`.
    static let pattern: [UInt8] = (0..<(251 * 300)).map { UInt8($0 % 251) }

    /// Whether `chunk` is what `/bytes` sends at `offset` (compared with memcmp: debug builds
    /// are too slow for a byte loop over tens of megabytes).
    static func matchesPattern(_ chunk: [UInt8], at offset: Int) -> Bool {
        var position = 0
        while position < chunk.count {
            let start = (offset + position) % 251
            let count = min(chunk.count - position, pattern.count - start)
            let equal = chunk.withUnsafeBytes { lhs in
                pattern.withUnsafeBytes { rhs in
                    memcmp(lhs.baseAddress! + position, rhs.baseAddress! + start, count) == 0
                }
            }
            guard equal else { return false }
            position += count
        }
        return true
    }
}
