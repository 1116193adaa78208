import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// Label and field selectors on LIST: every label operator, the field labels every kind has,
/// pods' `spec.nodeName` (including `spec.nodeName=` for unscheduled pods) and `status.phase`,
/// and the 400s for what cannot be selected.
@Suite struct SelectorTests {
    /// In ns-0: `cm-0`…`cm-5` with labels app=app-<i%5>, tier=frontend|backend|cache by i%3,
    /// index=<i>; plus `bare`, without labels (for `!=`, `notin` and `!key`).
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 6, podsPerNamespace: 0)
    static func addBare(_ sim: KubeSim) throws {
        try sim.create(.init(group: "", version: "v1", resource: "configmaps"), namespace: "ns-0",
                       json: Array(#"{"metadata":{"name":"bare"},"data":{"k":"v"}}"#.utf8))
    }

    struct LabelCase: Sendable, CustomTestStringConvertible {
        var selector: String
        var names: [String]
        var testDescription: String { selector }
    }

    static let labelCases: [LabelCase] = [
        LabelCase(selector: "tier=frontend", names: ["cm-0", "cm-3"]),
        LabelCase(selector: "tier==frontend", names: ["cm-0", "cm-3"]),
        LabelCase(selector: "tier!=frontend", names: ["bare", "cm-1", "cm-2", "cm-4", "cm-5"]),
        LabelCase(selector: "tier in (frontend,cache)", names: ["cm-0", "cm-2", "cm-3", "cm-5"]),
        LabelCase(selector: "tier notin (frontend,cache)", names: ["bare", "cm-1", "cm-4"]),
        LabelCase(selector: "tier", names: ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5"]),
        LabelCase(selector: "!tier", names: ["bare"]),
        LabelCase(selector: "index>3", names: ["cm-4", "cm-5"]),
        LabelCase(selector: "index<2", names: ["cm-0", "cm-1"]),
        LabelCase(selector: "app=app-1,tier=backend", names: ["cm-1"]),
        LabelCase(selector: "tier in (frontend),index!=0", names: ["cm-3"]),
    ]

    @Test(arguments: ConformanceTarget.allCases, labelCases)
    func labelSelector(_ target: ConformanceTarget, _ testCase: LabelCase) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed, prepare: Self.addBare) { fixture in
            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps?labelSelector=" + TestHTTPClient.encode(testCase.selector))
            #expect(list.status == 200, "\(list.text)")
            fixture.expectFromCache(list)
            #expect(list.itemNames == testCase.names)
            // The same selector on a watch selects the same initial objects.
            let stream = try await fixture.watch("/api/v1/namespaces/ns-0/configmaps?watch=true&labelSelector=" + TestHTTPClient.encode(testCase.selector))
            defer { stream.close() }
            fixture.expectFromCache(stream)
            let initial = try await stream.next(testCase.names.count)
            #expect(initial.map { $0.name ?? "" } == testCase.names)
            #expect(initial.allSatisfy { $0.type == "ADDED" })
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func malformedLabelSelectorIsBadRequest(_ target: ConformanceTarget) async throws {
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            for selector in ["tier in (frontend", "index>x", "a b"] {
                let response = try await fixture.get("/api/v1/configmaps?labelSelector=" + TestHTTPClient.encode(selector))
                #expect(response.status == 400, "\(selector): \(response.text)")
                #expect(response.reason == "BadRequest", "\(selector)")
                #expect(response.object["kind"] as? String == "Status")
            }
        }
    }

    struct FieldCase: Sendable, CustomTestStringConvertible {
        var path: String
        var selector: String
        var keys: [String]
        var testDescription: String { "\(path) \(selector)" }
    }

    /// Pods: 10 in ns-0 and ns-1 on nodes node-<i%3>; pod-9 is unscheduled (Pending); pod-6
    /// Succeeded, pod-7 Failed, the rest Running.
    static let fieldCases: [FieldCase] = [
        FieldCase(path: "/api/v1/configmaps", selector: "metadata.name=cm-1", keys: ["ns-0/cm-1", "ns-1/cm-1"]),
        FieldCase(path: "/api/v1/configmaps", selector: "metadata.name==cm-1", keys: ["ns-0/cm-1", "ns-1/cm-1"]),
        FieldCase(path: "/api/v1/namespaces/ns-1/configmaps", selector: "metadata.name!=cm-1", keys: ["ns-1/cm-0", "ns-1/cm-2"]),
        FieldCase(path: "/api/v1/configmaps", selector: "metadata.namespace=ns-1", keys: ["ns-1/cm-0", "ns-1/cm-1", "ns-1/cm-2"]),
        FieldCase(path: "/api/v1/configmaps", selector: "metadata.namespace!=ns-0,metadata.name!=cm-0", keys: ["ns-1/cm-1", "ns-1/cm-2"]),
        FieldCase(path: "/api/v1/pods", selector: "spec.nodeName=node-1", keys: ["ns-0/pod-1", "ns-0/pod-4", "ns-0/pod-7", "ns-1/pod-1", "ns-1/pod-4", "ns-1/pod-7"]),
        FieldCase(path: "/api/v1/namespaces/ns-0/pods", selector: "spec.nodeName=node-0", keys: ["ns-0/pod-0", "ns-0/pod-3", "ns-0/pod-6"]),
        FieldCase(path: "/api/v1/pods", selector: "spec.nodeName=", keys: ["ns-0/pod-9", "ns-1/pod-9"]),
        FieldCase(path: "/api/v1/namespaces/ns-1/pods", selector: "spec.nodeName!=", keys: (0..<9).map { "ns-1/pod-\($0)" }),
        FieldCase(path: "/api/v1/pods", selector: "status.phase=Failed", keys: ["ns-0/pod-7", "ns-1/pod-7"]),
        FieldCase(path: "/api/v1/namespaces/ns-0/pods", selector: "status.phase!=Running", keys: ["ns-0/pod-6", "ns-0/pod-7", "ns-0/pod-9"]),
        FieldCase(path: "/api/v1/pods", selector: "spec.nodeName=node-2,status.phase=Running", keys: ["ns-0/pod-2", "ns-0/pod-5", "ns-0/pod-8", "ns-1/pod-2", "ns-1/pod-5", "ns-1/pod-8"]),
    ]

    @Test(arguments: ConformanceTarget.allCases, fieldCases)
    func fieldSelector(_ target: ConformanceTarget, _ testCase: FieldCase) async throws {
        let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 10)
        try await ConformanceFixture.with(target, seed: seed) { fixture in
            let list = try await fixture.get("\(testCase.path)?fieldSelector=" + TestHTTPClient.encode(testCase.selector))
            #expect(list.status == 200, "\(list.text)")
            fixture.expectFromCache(list)
            #expect(list.itemKeys == testCase.keys)
        }
    }

    /// A field the kind cannot select. The API server words it as the kind's field-label
    /// conversion does: `field label not supported: <f>` for kinds that register one (pods),
    /// apimachinery's `DefaultMetaV1FieldSelectorConversion` for kinds that do not
    /// (configmaps): `"<f>" is not a known field selector: only "metadata.name",
    /// "metadata.namespace"`. KubeSim uses the first wording for every kind, so for those kinds
    /// only code, reason and the field's name are held against it.
    struct UnsupportedField: Sendable, CustomTestStringConvertible {
        var path: String
        var field: String
        var apiServerMessage: String
        var simWordsItDifferently = false
        var testDescription: String { "\(path) \(field)" }
    }

    static let unsupportedFields: [UnsupportedField] = [
        UnsupportedField(path: "/api/v1/namespaces/ns-0/pods", field: "spec.priority",
                         apiServerMessage: "field label not supported: spec.priority"),
        UnsupportedField(path: "/api/v1/pods", field: "metadata.labels",
                         apiServerMessage: "field label not supported: metadata.labels"),
        UnsupportedField(path: "/api/v1/configmaps", field: "data.k",
                         apiServerMessage: #""data.k" is not a known field selector: only "metadata.name", "metadata.namespace""#,
                         simWordsItDifferently: true),
        UnsupportedField(path: "/api/v1/namespaces/ns-0/configmaps", field: "status.phase",
                         apiServerMessage: #""status.phase" is not a known field selector: only "metadata.name", "metadata.namespace""#,
                         simWordsItDifferently: true),
    ]

    @Test(arguments: ConformanceTarget.allCases, unsupportedFields)
    func unsupportedFieldIsBadRequest(_ target: ConformanceTarget, _ testCase: UnsupportedField) async throws {
        try await ConformanceFixture.with(target, seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 1)) { fixture in
            let selector = TestHTTPClient.encode("\(testCase.field)=x")
            for query in ["fieldSelector=\(selector)", "watch=true&fieldSelector=\(selector)"] {
                let response = try await fixture.get("\(testCase.path)?\(query)")
                #expect(response.status == 400, "\(query): \(response.text)")
                #expect(response.object["kind"] as? String == "Status")
                #expect(response.reason == "BadRequest")
                if target == .sim && testCase.simWordsItDifferently {
                    #expect(response.message?.contains(testCase.field) == true)
                } else {
                    #expect(response.message == testCase.apiServerMessage, "\(query)")
                }
            }
        }
    }
}
