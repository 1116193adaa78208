import Foundation
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// What every limit test proves besides the limit itself: the answer is a `Status` with the
/// limit's code, a metric moved, and other clients were not affected.
extension HardeningFixture {
    /// kcache's port.
    var port: Int { Int(baseURL.split(separator: ":").last!)! }

    /// `kcache_http_limits_exceeded_total{limit}` now.
    func limitCount(_ limit: ExceededLimit) async throws -> Double {
        try await kcache.scrape().value("kcache_http_limits_exceeded_total", ["limit": limit.rawValue])
    }

    /// Waits until the limit's counter reaches `count`.
    func expectLimitCount(_ limit: ExceededLimit, atLeast count: Double, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitUntil(timeout: .seconds(60), "kcache_http_limits_exceeded_total{limit=\"\(limit.rawValue)\"} ≥ \(count)") {
            try await limitCount(limit) >= count
        }
    }

    /// A well-behaved client meanwhile: a GET answered from the cache with the object asked for,
    /// and LISTs from the cache that come to hold exactly KubeSim's objects.
    func expectOthersServed(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let object = try await get("/api/v1/namespaces/ns-0/configmaps/cm-0")
        #expect(object.status == 200 && object.header("X-Kcache-Source") == "cache", "GET: \(object.status)", sourceLocation: sourceLocation)
        let metadata = object.object["metadata"] as? [String: Any]
        #expect(metadata?["namespace"] as? String == "ns-0" && metadata?["name"] as? String == "cm-0", "GET: \(object.text.prefix(200))", sourceLocation: sourceLocation)
        let list = try await get("/api/v1/configmaps")
        #expect(list.status == 200 && list.header("X-Kcache-Source") == "cache", "LIST: \(list.status)", sourceLocation: sourceLocation)
        #expect(((list.object["items"] as? [Any])?.count ?? 0) > 0, "LIST: \(list.text.prefix(200))", sourceLocation: sourceLocation)
        // (The cache may be a moment behind a write made in KubeSim directly: wait for it.)
        try await expectCacheEqualsSim("LIST through kcache to hold exactly KubeSim's objects")
    }
}

extension RawSocket {
    /// A parsed JSON object body.
    static func object(_ body: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}
