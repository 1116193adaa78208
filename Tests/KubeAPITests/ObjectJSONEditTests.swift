import Testing
@testable import KubeAPI

/// The two permitted byte edits: the result re-parses and only the intended bytes differ.
@Suite struct ObjectJSONEditTests {
    /// The bytes removed from `original` and inserted in their place to make `edited`, found by
    /// stripping the longest common prefix and suffix.
    private func difference(_ original: [UInt8], _ edited: [UInt8]) -> (removed: String, inserted: String) {
        var prefix = 0
        while prefix < original.count, prefix < edited.count, original[prefix] == edited[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < original.count - prefix, suffix < edited.count - prefix,
              original[original.count - 1 - suffix] == edited[edited.count - 1 - suffix] { suffix += 1 }
        return (String(decoding: original[prefix..<(original.count - suffix)], as: UTF8.self),
                String(decoding: edited[prefix..<(edited.count - suffix)], as: UTF8.self))
    }

    // MARK: settingTypeMeta

    @Test func insertsBothIntoAListItem() throws {
        let item = JSONFixtures.bytes(JSONFixtures.pod(withTypeMeta: false))
        let edited = try ObjectJSON.settingTypeMeta(kind: "Pod", apiVersion: "v1", of: item)
        #expect(edited == JSONFixtures.bytes(JSONFixtures.pod(withTypeMeta: true)))
        let metadata = try ObjectJSON.metadata(of: edited)
        #expect(metadata.kind == "Pod" && metadata.apiVersion == "v1" && metadata.name == "web-7d9f8b6c5d-x2k4q")
    }

    @Test func leavesObjectsWithTypeMetaUntouched() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod())
        #expect(try ObjectJSON.settingTypeMeta(kind: "Other", apiVersion: "x/v9", of: pod) == pod)
    }

    struct TypeMetaCase: CustomTestStringConvertible, Sendable {
        var json: String
        var expected: String
        var testDescription: String { json }
    }

    static let typeMetaCases: [TypeMetaCase] = [
        TypeMetaCase(json: #"{}"#, expected: #"{"kind":"Pod","apiVersion":"v1"}"#),
        TypeMetaCase(json: " { \n} ", expected: #" {"kind":"Pod","apiVersion":"v1" "# + "\n} "),
        TypeMetaCase(json: #"{"metadata":{}}"#, expected: #"{"kind":"Pod","apiVersion":"v1","metadata":{}}"#),
        TypeMetaCase(json: #"{"kind":"Pod","metadata":{}}"#, expected: #"{"apiVersion":"v1","kind":"Pod","metadata":{}}"#),
        TypeMetaCase(json: #"{"metadata":{},"apiVersion":"v1"}"#, expected: #"{"kind":"Pod","metadata":{},"apiVersion":"v1"}"#),
        TypeMetaCase(json: #"{"kind":"","apiVersion":null,"a":1}"#, expected: #"{"kind":"Pod","apiVersion":"v1","a":1}"#),
    ]

    @Test(arguments: typeMetaCases)
    func typeMetaLayouts(_ testCase: TypeMetaCase) throws {
        let edited = try ObjectJSON.settingTypeMeta(kind: "Pod", apiVersion: "v1", of: JSONFixtures.bytes(testCase.json))
        #expect(String(decoding: edited, as: UTF8.self) == testCase.expected)
        let metadata = try ObjectJSON.metadata(of: edited)
        #expect(metadata.kind == "Pod" && metadata.apiVersion == "v1")
    }

    @Test func typeMetaEscapesValues() throws {
        let edited = try ObjectJSON.settingTypeMeta(kind: "A\"<b>", apiVersion: "g/v1", of: JSONFixtures.bytes("{}"))
        #expect(String(decoding: edited, as: UTF8.self) == #"{"kind":"A\"\u003cb\u003e","apiVersion":"g/v1"}"#)
        #expect(try ObjectJSON.metadata(of: edited).kind == "A\"<b>")
    }

    @Test func typeMetaRejectsMalformedInput() {
        for json in [#"[]"#, #"{"a":1"#, #"{"a":1}x"#, #"{"kind":5}"#] {
            #expect(throws: JSONError.self) { try ObjectJSON.settingTypeMeta(kind: "K", apiVersion: "v", of: JSONFixtures.bytes(json)) }
        }
    }

    // MARK: settingResourceVersion

    @Test func replacesTheResourceVersionOfARealPod() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod(resourceVersion: 48_213_377))
        let edited = try ObjectJSON.settingResourceVersion(ResourceVersion(48_213_999), of: pod)
        let change = difference(pod, edited)
        #expect(change.removed == "377" && change.inserted == "999")
        #expect(try ObjectJSON.metadata(of: edited).resourceVersion == ResourceVersion(48_213_999))
        #expect(edited == JSONFixtures.bytes(JSONFixtures.pod(resourceVersion: 48_213_999)))
    }

    struct VersionCase: CustomTestStringConvertible, Sendable {
        var json: String
        var expected: String
        var testDescription: String { json }
    }

    static let versionCases: [VersionCase] = [
        VersionCase(json: #"{"metadata":{"name":"a","resourceVersion":"5"}}"#,
                    expected: #"{"metadata":{"name":"a","resourceVersion":"42"}}"#),
        VersionCase(json: #"{"metadata":{ "resourceVersion" : "5" , "name":"a"}}"#,
                    expected: #"{"metadata":{ "resourceVersion" : "42" , "name":"a"}}"#),
        VersionCase(json: #"{"metadata":{"resourceVersion":null}}"#, expected: #"{"metadata":{"resourceVersion":"42"}}"#),
        VersionCase(json: #"{"metadata":{"name":"a","uid":"u","creationTimestamp":"t","labels":{}}}"#,
                    expected: #"{"metadata":{"name":"a","uid":"u","resourceVersion":"42","creationTimestamp":"t","labels":{}}}"#),
        VersionCase(json: #"{"metadata":{"name":"a"}}"#, expected: #"{"metadata":{"name":"a","resourceVersion":"42"}}"#),
        VersionCase(json: #"{"metadata":{}}"#, expected: #"{"metadata":{"resourceVersion":"42"}}"#),
        VersionCase(json: #"{"metadata":null,"spec":{}}"#, expected: #"{"metadata":{"resourceVersion":"42"},"spec":{}}"#),
        VersionCase(json: #"{"kind":"X","apiVersion":"v1","spec":{}}"#,
                    expected: #"{"kind":"X","apiVersion":"v1","metadata":{"resourceVersion":"42"},"spec":{}}"#),
        VersionCase(json: #"{"spec":{}}"#, expected: #"{"metadata":{"resourceVersion":"42"},"spec":{}}"#),
        VersionCase(json: #"{}"#, expected: #"{"metadata":{"resourceVersion":"42"}}"#),
        VersionCase(json: #"{"metadata":{"resourceVersion":"1"},"metadata":{"name":"b"}}"#,
                    expected: #"{"metadata":{"resourceVersion":"1"},"metadata":{"name":"b","resourceVersion":"42"}}"#),
    ]

    @Test(arguments: versionCases)
    func resourceVersionLayouts(_ testCase: VersionCase) throws {
        let edited = try ObjectJSON.settingResourceVersion(ResourceVersion(42), of: JSONFixtures.bytes(testCase.json))
        #expect(String(decoding: edited, as: UTF8.self) == testCase.expected)
        #expect(try ObjectJSON.metadata(of: edited).resourceVersion == ResourceVersion(42))
    }

    @Test func resourceVersionRejectsMalformedInput() {
        for json in [#"[]"#, #"{"metadata":5}"#, #"{"metadata":{"a":}}"#, #"{"metadata":{}} {}"#] {
            #expect(throws: JSONError.self) { try ObjectJSON.settingResourceVersion(ResourceVersion(1), of: JSONFixtures.bytes(json)) }
        }
    }
}
