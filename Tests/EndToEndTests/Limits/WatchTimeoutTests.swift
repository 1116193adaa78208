import Foundation
import KubeTestSupport
import Testing

/// `timeoutSeconds` is a client's Int64: at either extreme a watch is served as the API
/// server serves it — a huge one is a watch that does not time out, a negative one ends at
/// once — and kcache keeps running. (A huge one used to overflow converting to NIO's time
/// and crash the process: found by schemathesis.)
@Suite("Limits: watch timeouts")
struct WatchTimeoutTests {
    @Test(arguments: ["99999999999", String(Int64.max)])
    func aHugeTimeoutIsAWatchThatDoesNotTimeOut(_ timeoutSeconds: String) async throws {
        try await HardeningFixture.with { fixture in
            let from = fixture.sim.currentResourceVersion.value
            let watch = try await fixture.client.watch(
                fixture.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(from)&timeoutSeconds=\(timeoutSeconds)")
            defer { watch.close() }
            #expect(watch.status == 200 && watch.header("X-Kcache-Source") == "cache")
            let rv = try fixture.createInSim("ns-0", "during-a-long-watch")
            let event = try await watch.first(timeout: .seconds(60)) { $0.type != "BOOKMARK" }
            #expect(event?.type == "ADDED" && event?.name == "during-a-long-watch" && event?.resourceVersion == String(rv))
            #expect(watch.endReason == nil, "still open")
            try await fixture.expectOthersServed()
        }
    }

    @Test func aNegativeTimeoutEndsTheWatchAtOnce() async throws {
        try await HardeningFixture.with { fixture in
            let from = fixture.sim.currentResourceVersion.value
            let watch = try await fixture.client.watch(
                fixture.baseURL + "/api/v1/configmaps?watch=true&resourceVersion=\(from)&timeoutSeconds=-92")
            defer { watch.close() }
            #expect(watch.status == 200)
            #expect(try await watch.waitForEnd(timeout: .seconds(60)) == .completed, "ended normally, with the end of the stream")
            try await fixture.expectOthersServed()
        }
    }
}
