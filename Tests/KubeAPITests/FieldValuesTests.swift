import Testing
@testable import KubeAPI

/// `ObjectJSON.fieldValues`: values as the API server's field selectors see them.
@Suite struct FieldValuesTests {
    @Test func readsPodSelectorFields() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod(nodeName: "node-b-3", phase: "Pending"))
        let paths = ["spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName",
                     "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName",
                     "spec.hostNetwork", "status.podIPs", "metadata.name", "metadata.namespace"]
        let values = try ObjectJSON.fieldValues(paths, in: pod)
        #expect(values == ["node-b-3", "Pending", "Always", "default-scheduler", "web", "10.244.7.23", nil,
                           nil, nil, "web-7d9f8b6c5d-x2k4q", "shop"])
    }

    /// Each object with one path and the rendering the API server's field set would hold.
    struct Case: CustomTestStringConvertible, Sendable {
        var json: String
        var path: String
        var expected: String?
        var testDescription: String { "\(path) in \(json)" }
    }

    static let cases: [Case] = [
        Case(json: #"{"spec":{"hostNetwork":true}}"#, path: "spec.hostNetwork", expected: "true"),
        Case(json: #"{"spec":{"unschedulable":false}}"#, path: "spec.unschedulable", expected: "false"),
        Case(json: #"{"status":{"replicas":3}}"#, path: "status.replicas", expected: "3"),
        Case(json: #"{"status":{"replicas":-1.50e+2}}"#, path: "status.replicas", expected: "-1.50e+2"),
        Case(json: #"{"type":"kubernetes.io\/tls"}"#, path: "type", expected: "kubernetes.io/tls"),
        Case(json: #"{"involvedObject":{"kind":"Pod","name":"caf\u00e9"}}"#, path: "involvedObject.name", expected: "café"),
        Case(json: #"{"source":{"component":"kubelet"}}"#, path: "source.component", expected: "kubelet"),
        Case(json: #"{"source":{"component":"kubelet"}}"#, path: "source", expected: nil),
        Case(json: #"{"status":{"podIPs":[{"ip":"1.2.3.4"}]}}"#, path: "status.podIPs", expected: nil),
        Case(json: #"{"spec":{"nodeName":null}}"#, path: "spec.nodeName", expected: nil),
        Case(json: #"{"spec":null}"#, path: "spec.nodeName", expected: nil),
        Case(json: #"{"spec":"x"}"#, path: "spec.nodeName", expected: nil),
        Case(json: #"{"spec":{"nodeName":"a"},"spec":{"nodeName":"b"}}"#, path: "spec.nodeName", expected: "b"),
        Case(json: #"{"spec":{"nodeName":"a"},"spec":{"other":1}}"#, path: "spec.nodeName", expected: "a"),
        Case(json: #"{"spec":{"nodeName":"a","nodeName":null}}"#, path: "spec.nodeName", expected: "a"),
        Case(json: #"{"s\u0070ec":{"nodeName":"escaped"}}"#, path: "spec.nodeName", expected: "escaped"),
        Case(json: #"{"spec":{"color":"blue"}}"#, path: ".spec.color", expected: "blue"),
        Case(json: #"{"status":{"phase":"Running"},"metadata":{"name":"x"}}"#, path: "status.phase", expected: "Running"),
    ]

    @Test(arguments: cases)
    func rendersLikeTheAPIServer(_ testCase: Case) throws {
        let values = try ObjectJSON.fieldValues([testCase.path], in: JSONFixtures.bytes(testCase.json))
        #expect(values == [testCase.expected])
    }

    @Test func sharedPrefixesAndRepeatedPathsFillEverySlot() throws {
        let json = JSONFixtures.bytes(#"{"a":{"b":"1","c":{"d":"2"}},"e":"3"}"#)
        let paths = FieldPaths(["a.b", "a.c.d", "e", "a.b", "a.missing", "a"])
        #expect(try ObjectJSON.fieldValues(paths, in: json) == ["1", "2", "3", "1", nil, nil])
    }

    @Test func compiledPathsMatchStringPaths() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod())
        let paths = ["spec.nodeName", "status.phase"]
        #expect(try ObjectJSON.fieldValues(FieldPaths(paths), in: pod) == (try ObjectJSON.fieldValues(paths, in: pod)))
        let slice = pod[0...]
        #expect(try ObjectJSON.fieldValues(paths, in: slice) == ["node-a-17", "Running"])
    }

    @Test func malformedInputThrowsEvenWhenThePathsWereFound() {
        let json = JSONFixtures.bytes(#"{"spec":{"nodeName":"a"},"status":{"phase":"Running",}}"#)
        #expect(throws: JSONError.self) { try ObjectJSON.fieldValues(["spec.nodeName"], in: json) }
        #expect(throws: JSONError.self) { try ObjectJSON.fieldValues(["x"], in: JSONFixtures.bytes("[1]")) }
        #expect(throws: JSONError.self) { try ObjectJSON.fieldValues(["x"], in: JSONFixtures.bytes(#"{"x":"#)) }
    }

    @Test func onePassMatchesSeparateCalls() throws {
        let paths = FieldPaths(["spec.nodeName", "status.phase", "metadata.name", "metadata.labels.tier", "kind", "nope"])
        for json in [JSONFixtures.pod(), JSONFixtures.pod(withTypeMeta: false), JSONFixtures.configMap,
                     #"{"metadata":null,"kind":null,"spec":{"nodeName":"n"}}"#] {
            let bytes = JSONFixtures.bytes(json)
            let combined = try ObjectJSON.metadata(of: bytes, fieldValues: paths)
            #expect(combined.metadata == (try ObjectJSON.metadata(of: bytes)))
            #expect(combined.fieldValues == (try ObjectJSON.fieldValues(paths, in: bytes)))
        }
        let pod = try ObjectJSON.metadata(of: JSONFixtures.bytes(JSONFixtures.pod()), fieldValues: paths)
        #expect(pod.fieldValues == ["node-a-17", "Running", "web-7d9f8b6c5d-x2k4q", "frontend", "Pod", nil])
        let slice = JSONFixtures.bytes("  " + JSONFixtures.configMap)[1...]
        #expect(try ObjectJSON.metadata(of: slice, fieldValues: paths).metadata == (try ObjectJSON.metadata(of: slice)))
        #expect(throws: JSONError.self) { try ObjectJSON.metadata(of: JSONFixtures.bytes(#"{"spec":{"nodeName":1,}}"#), fieldValues: paths) }
    }
}
