import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// Invalid list/watch option combinations: the API server's 400s and 422s, and through kcache
/// the very same `Status` as KubeSim answers for the same request.
@Suite struct InvalidQueryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var query: String
        var code: Int
        var reason: String
        var messagePrefix: String
        /// The API server's wording where KubeSim words it differently (see `cases`): then
        /// KubeSim is held to code and reason only, kcache to the API server's wording.
        var apiServerMessagePrefix: String?
        var testDescription: String { query }
    }

    static let token = ContinueTokenText.make(rv: 2, start: "ns-0/cm-0")
    static let invalidOptions = #"ListOptions.meta.k8s.io "" is invalid: "#

    static let cases: [Case] = [
        Case(query: "continue=\(token)&resourceVersion=5", code: 400, reason: "BadRequest",
             messagePrefix: "specifying resource version is not allowed when using continue"),
        // The API server (storage.ValidateListOptions) wraps these two: "invalid resource version:
        // resourceVersion: Invalid value: …", "invalid continue token: continue key is not valid:
        // …"; KubeSim answers them more briefly.
        Case(query: "resourceVersion=abc", code: 400, reason: "BadRequest", messagePrefix: "",
             apiServerMessagePrefix: #"invalid resource version: resourceVersion: Invalid value: "abc""#),
        Case(query: "continue=not-a-token", code: 400, reason: "BadRequest", messagePrefix: "",
             apiServerMessagePrefix: "invalid continue token: continue key is not valid"),
        Case(query: "resourceVersionMatch=NotOlderThan", code: 422, reason: "Invalid",
             messagePrefix: invalidOptions + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"),
        Case(query: "resourceVersion=0&resourceVersionMatch=Exact", code: 422, reason: "Invalid",
             messagePrefix: invalidOptions + "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""),
        Case(query: "resourceVersion=1&resourceVersionMatch=Newest", code: 422, reason: "Invalid",
             messagePrefix: invalidOptions + "resourceVersionMatch: Unsupported value: \"Newest\""),
        Case(query: "resourceVersionMatch=NotOlderThan&continue=\(token)", code: 422, reason: "Invalid", messagePrefix: invalidOptions),
        Case(query: "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=0", code: 422, reason: "Invalid",
             messagePrefix: invalidOptions + "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"),
        Case(query: "watch=true&sendInitialEvents=true", code: 422, reason: "Invalid",
             messagePrefix: invalidOptions + "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
        Case(query: "watch=true&resourceVersion=1&resourceVersionMatch=NotOlderThan", code: 422, reason: "Invalid",
             messagePrefix: invalidOptions + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"),
        Case(query: "watch=true&sendInitialEvents=true&resourceVersionMatch=Exact", code: 422, reason: "Invalid", messagePrefix: invalidOptions),
    ]

    @Test(arguments: ConformanceTarget.allCases, cases)
    func answeredAsTheAPIServerAnswers(_ target: ConformanceTarget, _ testCase: Case) async throws {
        try await ConformanceFixture.with(target, seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0)) { fixture in
            let path = "/api/v1/configmaps?\(testCase.query)"
            let response = try await fixture.get(path)
            #expect(response.status == testCase.code, "\(response.text)")
            #expect(response.object["kind"] as? String == "Status")
            #expect(response.object["status"] as? String == "Failure")
            #expect(response.code == testCase.code)
            #expect(response.reason == testCase.reason)
            #expect(response.message?.hasPrefix(testCase.messagePrefix) == true, "\(response.message ?? "no message")")
            if let apiServerMessagePrefix = testCase.apiServerMessagePrefix, target != .sim {
                #expect(response.message?.hasPrefix(apiServerMessagePrefix) == true, "\(response.message ?? "no message")")
            }
            if target == .kcache, testCase.apiServerMessagePrefix == nil {
                let upstream = try await fixture.getFromSim(path)
                #expect(NSDictionary(dictionary: response.object).isEqual(to: upstream.object),
                        "kcache: \(response.text) upstream: \(upstream.text)")
            }
        }
    }
}
