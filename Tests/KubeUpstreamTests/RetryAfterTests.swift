import Foundation
import Testing
@testable import KubeUpstream

/// `RetryAfter.parse`: seconds, HTTP dates, garbage.
@Suite struct RetryAfterTests {
    static let now = ISO8601Now.date

    @Test(arguments: [
        ("3", Duration.seconds(3)), ("0", .zero), (" 120 ", .seconds(120)),
        ("Fri, 01 Jan 2100 00:00:10 GMT", .seconds(10)),
        ("Saturday, 01-Jan-00 00:00:05 GMT", .zero),
        ("Fri Jan  1 00:00:20 2100", .seconds(20)),
        ("Thu, 31 Dec 2099 23:00:00 GMT", .zero),
    ])
    func parses(value: String, expected: Duration) {
        #expect(RetryAfter.parse(value, now: Self.now) == expected)
    }

    @Test(arguments: ["", "-1", "soon", "1.5", "Fri, 99 Foo 2100"])
    func rejects(value: String) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }
}

/// 2100-01-01T00:00:00Z, the reference "now" of the Retry-After tests.
enum ISO8601Now {
    static let date = ExecCredential.parseTimestamp("2100-01-01T00:00:00Z")!
}
