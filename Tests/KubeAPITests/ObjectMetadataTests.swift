import Testing
@testable import KubeAPI

/// `ObjectJSON.metadata(of:)` on real-shaped objects, odd layouts and edge cases.
@Suite struct ObjectMetadataTests {
    @Test func readsARealPod() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod())
        #expect(pod.count > 3_500 && pod.count < 5_000, "fixture should be ~4 KB, is \(pod.count)")
        let metadata = try ObjectJSON.metadata(of: pod)
        #expect(metadata.kind == "Pod")
        #expect(metadata.apiVersion == "v1")
        #expect(metadata.name == "web-7d9f8b6c5d-x2k4q")
        #expect(metadata.generateName == "web-7d9f8b6c5d-")
        #expect(metadata.namespace == "shop")
        #expect(metadata.uid == "5c7a1f3e-2b4d-4e8a-9f10-6a2b3c4d5e6f")
        #expect(metadata.resourceVersion == ResourceVersion(48_213_377))
        #expect(metadata.labels == ["app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop",
                                    "pod-template-hash": "7d9f8b6c5d", "tier": "frontend"])
        #expect(metadata.deletionTimestamp == nil)
        #expect(metadata.key == ObjectKey(namespace: "shop", name: "web-7d9f8b6c5d-x2k4q"))
        let range = metadata.metadataRange
        #expect(pod[range.lowerBound] == UInt8(ascii: "{") && pod[range.upperBound - 1] == UInt8(ascii: "}"))
        #expect(String(decoding: pod[range], as: UTF8.self).hasPrefix(#"{"name":"web-7d9f8b6c5d-x2k4q""#))
        #expect(String(decoding: pod[range.upperBound...], as: UTF8.self).hasPrefix(#","spec":{"#))
    }

    @Test func listItemsLackTypeMeta() throws {
        let metadata = try ObjectJSON.metadata(of: JSONFixtures.bytes(JSONFixtures.pod(withTypeMeta: false)))
        #expect(metadata.kind == nil && metadata.apiVersion == nil)
        #expect(metadata.name == "web-7d9f8b6c5d-x2k4q")
    }

    @Test func resolvesEscapesInNamesAndLabels() throws {
        let metadata = try ObjectJSON.metadata(of: JSONFixtures.bytes(JSONFixtures.configMap))
        #expect(metadata.name == "café-settings")
        #expect(metadata.namespace == "kube-system")
        #expect(metadata.resourceVersion == ResourceVersion(907))
        #expect(metadata.labels == ["quote\"key": "a\"b", "path": "a/b", "unicode": "été"])
    }

    /// Layouts and edge cases, each with the fields that must come out.
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var json: String
        var name = ""
        var namespace = ""
        var resourceVersion: UInt64?
        var labels: [String: String] = [:]
        var kind: String?
        var deletionTimestamp: String?
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "metadata after spec, whitespace everywhere",
             json: "{ \"spec\" : { \"x\" : [ 1 , 2 ] } ,\n\t\"metadata\" :\r\n { \"namespace\":\"ns\" , \"name\" : \"a\" } , \"kind\" : \"Thing\" }\n",
             name: "a", namespace: "ns", kind: "Thing"),
        Case(label: "escaped keys", json: #"{"\u006detadata":{"n\u0061me":"x","resourceVersion":"\u0031\u0032"}}"#,
             name: "x", resourceVersion: 12),
        Case(label: "duplicate scalar: last wins", json: #"{"metadata":{"name":"first","name":"second"}}"#, name: "second"),
        Case(label: "duplicate metadata merges like Go",
             json: #"{"metadata":{"name":"a","labels":{"x":"1"}},"metadata":{"namespace":"b","labels":{"y":"2","x":"3"}}}"#,
             name: "a", namespace: "b", labels: ["x": "3", "y": "2"]),
        Case(label: "labels null clears", json: #"{"metadata":{"labels":{"x":"1"},"labels":null}}"#),
        Case(label: "label value null is an empty label", json: #"{"metadata":{"labels":{"x":null}}}"#, labels: ["x": ""]),
        Case(label: "null metadata", json: #"{"kind":"X","metadata":null}"#, kind: "X"),
        Case(label: "no metadata", json: #"{"kind":"X"}"#, kind: "X"),
        Case(label: "name null is ignored", json: #"{"metadata":{"name":"a","name":null}}"#, name: "a"),
        Case(label: "deletionTimestamp", json: #"{"metadata":{"name":"a","deletionTimestamp":"2025-01-01T00:00:00Z"}}"#,
             name: "a", deletionTimestamp: "2025-01-01T00:00:00Z"),
        Case(label: "non-numeric resourceVersion is nil", json: #"{"metadata":{"resourceVersion":"abc"}}"#),
        Case(label: "empty resourceVersion is nil", json: #"{"metadata":{"resourceVersion":""}}"#),
        Case(label: "deep unrelated nesting", json: #"{"spec":"# + String(repeating: "[", count: 400)
             + String(repeating: "]", count: 400) + #","metadata":{"name":"deep"}}"#, name: "deep"),
    ]

    @Test(arguments: cases)
    func readsLayout(_ testCase: Case) throws {
        let metadata = try ObjectJSON.metadata(of: JSONFixtures.bytes(testCase.json))
        #expect(metadata.name == testCase.name)
        #expect(metadata.namespace == testCase.namespace)
        #expect(metadata.resourceVersion == testCase.resourceVersion.map(ResourceVersion.init))
        #expect(metadata.labels == Labels(testCase.labels))
        #expect(metadata.kind == testCase.kind)
        #expect(metadata.deletionTimestamp == testCase.deletionTimestamp)
        #expect(metadata.isDeleting == (testCase.deletionTimestamp != nil))
    }

    @Test func metadataRangeIsEmptyWithoutMetadata() throws {
        #expect(try ObjectJSON.metadata(of: JSONFixtures.bytes(#"{"kind":"X"}"#)).metadataRange.isEmpty)
    }

    static let rejected: [String] = [
        #"[]"#, #""text""#, #"42"#, #"null"#,
        #"{"metadata":[]}"#, #"{"metadata":"x"}"#, #"{"metadata":{"name":5}}"#,
        #"{"metadata":{"labels":[]}}"#, #"{"metadata":{"labels":{"a":1}}}"#, #"{"kind":7}"#,
        #"{"metadata":{"resourceVersion":12}}"#, #"{"metadata":{}} trailing"#,
    ]

    @Test(arguments: rejected)
    func rejectsNonObjectsAndWrongTypes(_ json: String) {
        #expect(throws: JSONError.self) { try ObjectJSON.metadata(of: JSONFixtures.bytes(json)) }
    }

    @Test func sliceRangesUseSliceIndices() throws {
        let body = JSONFixtures.bytes("xxxx" + JSONFixtures.configMap + "yy")
        let slice = body[4..<(body.count - 2)]
        let metadata = try ObjectJSON.metadata(of: slice)
        #expect(metadata.metadataRange.lowerBound > 4)
        #expect(body[metadata.metadataRange.lowerBound] == UInt8(ascii: "{"))
        #expect(String(decoding: body[metadata.metadataRange], as: UTF8.self).contains("caf"))
    }

    @Test func unsafeBufferEntryPointMatchesArray() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod())
        let viaBuffer = try pod.withUnsafeBytes { raw in try ObjectJSON.metadata(of: raw) }
        #expect(viaBuffer == (try ObjectJSON.metadata(of: pod)))
    }
}
