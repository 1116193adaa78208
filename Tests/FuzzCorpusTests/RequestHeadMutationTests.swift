import Foundation
import FuzzTargets
import KubeProxy
import KubeTestSupport
import Testing

/// The `request-head` fuzz target's checks (the fast path frames a head exactly as NIO's
/// decoder reads it, and never waits for one NIO would have read) over heads mutated at
/// random from real clients' heads, in every run of the tests: seeded, `KCACHE_HEAD_SEED`
/// replays one.
@Suite struct RequestHeadMutationTests {
    static let samples = [
        "GET /api/v1/namespaces/ns-0/configmaps/cm-0 HTTP/1.1\r\nHost: 127.0.0.1:8001\r\nUser-Agent: kubectl/v1.31.0\r\nAccept: application/json, */*\r\n\r\n",
        "GET /apis/apps/v1/deployments?labelSelector=app%3Dweb&limit=500 HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer x.y.z\r\nAccept-Encoding: gzip\r\n\r\n",
        "POST /api/v1/namespaces/ns-0/configmaps HTTP/1.1\r\nHost: k\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        "GET /healthz HTTP/1.0\r\n\r\n",
    ]
    /// Bytes the mutations insert: separators, controls, whitespace, obs-text.
    static let interesting: [UInt8] = [0x0D, 0x0A, 0x20, 0x09, 0x00, 0x01, 0x7F, 0x80, 0xFF, 0x3A, 0x2F, 0x3F, 0x41, 0x31, 0x2C]

    @Test func mutatedHeadsAreFramedAsNIOReadsThem() {
        let seed = ProcessInfo.processInfo.environment["KCACHE_HEAD_SEED"].flatMap { UInt64($0) } ?? 0x6B63_6163
        var random = SeededRandom(seed: seed)
        var vouched = 0
        for round in 0..<20_000 {
            var bytes = Array(Self.samples[round % Self.samples.count].utf8)
            for _ in 0..<(1 + random.below(3)) {
                let at = random.below(bytes.count)
                switch random.below(3) {
                case 0: bytes.insert(Self.interesting[random.below(Self.interesting.count)], at: at)
                case 1: bytes.remove(at: at)
                default: bytes[at] = Self.interesting[random.below(Self.interesting.count)]
                }
            }
            if case .head = bytes.withUnsafeBytes({ RequestHead.frame($0) }) { vouched += 1 }
            do {
                try FuzzTarget.requestHead.run(bytes)
            } catch {
                Issue.record("seed \(seed) round \(round): \(error); \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
        #expect(vouched > 4000, "too few mutated heads were framed as heads to mean anything: \(vouched)")
    }
}
