import Testing
@testable import KubeAPI

/// Watch event lines in and out, and `Status` bodies read back.
@Suite struct WatchEventTests {
    // MARK: Parsing lines

    @Test func parsesARealEventLine() throws {
        let pod = JSONFixtures.bytes(JSONFixtures.pod())
        let line = WatchEventEncoder.encode(.modified, object: pod)
        let event = try WatchEventLine(parsing: line)
        #expect(event.type == .modified)
        #expect(Array(line[event.object]) == pod)
    }

    static let lines: [(String, WatchEventType, String)] = [
        (#"{"type":"ADDED","object":{"a":1}}"#, .added, #"{"a":1}"#),
        (#"{"object":{"a":1},"type":"DELETED"}"#, .deleted, #"{"a":1}"#),
        (" { \"type\" : \"BOOKMARK\" ,\n \"object\" : { } }\n", .bookmark, "{ }"),
        (#"{"type":"ERROR","object":{"kind":"Status","code":410}}"# + "\r\n", .error, #"{"kind":"Status","code":410}"#),
        (#"{"type":"MODIFIED","extra":[1,2],"object":{}}"#, .modified, "{}"),
        (#"{"type":"\u0041DDED","object":{}}"#, .added, "{}"),
        (#"{"type":"ADDED","type":"MODIFIED","object":{}}"#, .modified, "{}"),
    ]

    @Test(arguments: lines)
    func parsesLayouts(_ text: String, _ type: WatchEventType, _ object: String) throws {
        let bytes = JSONFixtures.bytes(text)
        let event = try WatchEventLine(parsing: bytes)
        #expect(event.type == type)
        #expect(String(decoding: bytes[event.object], as: UTF8.self) == object)
    }

    static let badLines: [(String, JSONError.Reason)] = [
        (#"{"type":"ADDDED","object":{}}"#, .unknownEventType),
        (#"{"type":"added","object":{}}"#, .unknownEventType),
        (#"{"type":"ADDED"}"#, .missingField),
        (#"{"object":{}}"#, .missingField),
        (#"{"type":5,"object":{}}"#, .typeMismatch),
        (#"{"type":null,"object":{}}"#, .typeMismatch),
        (#"{"type":"ADDED","object":[]}"#, .typeMismatch),
        (#"{"type":"ADDED","object":"x"}"#, .typeMismatch),
        (#"{"type":"ADDED","object":{}"#, .unexpectedEnd),
        (#"{"type":"ADDED","object":{}}{"type":"ADDED","object":{}}"#, .trailingData),
        (#"[]"#, .notAnObject),
        ("", .unexpectedEnd),
    ]

    @Test(arguments: badLines)
    func rejectsBadLines(_ text: String, _ reason: JSONError.Reason) {
        do {
            _ = try WatchEventLine(parsing: JSONFixtures.bytes(text))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.reason == reason, "\(text): \(error)")
        }
    }

    @Test func sliceRangesUseSliceIndices() throws {
        let stream = JSONFixtures.bytes(#"{"type":"ADDED","object":{"n":1}}"# + "\n" + #"{"type":"DELETED","object":{"n":2}}"# + "\n")
        let newline = stream.firstIndex(of: 0x0A)!
        let second = try WatchEventLine(parsing: stream[(newline + 1)...])
        #expect(second.type == .deleted)
        #expect(String(decoding: stream[second.object], as: UTF8.self) == #"{"n":2}"#)
    }

    // MARK: Encoding

    @Test func encodesEventsExactly() {
        let object = JSONFixtures.bytes(#"{"kind":"ConfigMap"}"#)
        #expect(String(decoding: WatchEventEncoder.encode(.added, object: object), as: UTF8.self)
                == #"{"type":"ADDED","object":{"kind":"ConfigMap"}}"# + "\n")
        #expect(String(decoding: WatchEventEncoder.encode(.deleted, object: object[...]), as: UTF8.self)
                == #"{"type":"DELETED","object":{"kind":"ConfigMap"}}"# + "\n")
    }

    @Test func encodesBookmarksAsTheAPIServer() {
        let cases: [([UInt8], String)] = [
            (WatchEventEncoder.bookmark(resourceVersion: ResourceVersion(12345), kind: "Pod", apiVersion: "v1",
                                        initialEventsEnd: false),
             #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12345"}}}"#),
            (WatchEventEncoder.bookmark(resourceVersion: ResourceVersion(7), kind: "Pod", apiVersion: "v1",
                                        initialEventsEnd: true, trailingFields: Array(#""spec":{"containers":null},"status":{}"#.utf8)),
             #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"7","#
             + #""annotations":{"k8s.io/initial-events-end":"true"}},"spec":{"containers":null},"status":{}}}"#),
            (WatchEventEncoder.bookmark(resourceVersion: ResourceVersion(9), kind: "CronTab", apiVersion: "stable.example.com/v1",
                                        initialEventsEnd: true, encoding: .unstructured),
             #"{"type":"BOOKMARK","object":{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"#
             + #""annotations":{"k8s.io/initial-events-end":"true"},"resourceVersion":"9"}}}"#),
            (WatchEventEncoder.bookmark(resourceVersion: ResourceVersion(9), kind: "CronTab", apiVersion: "stable.example.com/v1",
                                        initialEventsEnd: false, encoding: .unstructured),
             #"{"type":"BOOKMARK","object":{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"resourceVersion":"9"}}}"#),
        ]
        for (bytes, expected) in cases {
            #expect(String(decoding: bytes, as: UTF8.self) == expected + "\n")
        }
    }

    @Test func bookmarkRoundTrips() throws {
        let line = WatchEventEncoder.bookmark(resourceVersion: ResourceVersion(99), kind: "ConfigMap", apiVersion: "v1",
                                              initialEventsEnd: true)
        let event = try WatchEventLine(parsing: line)
        #expect(event.type == .bookmark)
        let metadata = try ObjectJSON.metadata(of: line[event.object])
        #expect(metadata.resourceVersion == ResourceVersion(99) && metadata.kind == "ConfigMap")
    }

    @Test func encodesErrorEventsAndReadsThemBack() throws {
        let expired = Status.expired(requested: ResourceVersion(5), oldest: ResourceVersion(90))
        let line = WatchEventEncoder.error(expired)
        #expect(String(decoding: line, as: UTF8.self) ==
                #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","#
                + #""message":"too old resource version: 5 (90)","reason":"Expired","code":410}}"# + "\n")
        let event = try WatchEventLine(parsing: line)
        #expect(event.type == .error)
        #expect(Status.status(fromJSON: line[event.object]) == expired)
    }

    // MARK: Status bodies

    @Test(arguments: [
        Status.notFound(resource: "configmaps", name: "x"),
        Status.conflict(group: "apps", resource: "deployments", name: "d", message: "the object has been modified"),
        Status.resourceVersionTooLarge(),
        Status.invalidListOptions([Status.Cause(reason: "FieldValueInvalid", message: "bad", field: "resourceVersionMatch")]),
        Status.deleted(resource: "configmaps", name: "c", uid: "u-1"),
        Status.badRequest("nope \"quoted\" <html>"),
        Status.tooManyRequests("slow down", retryAfterSeconds: 3),
    ])
    func statusRoundTrips(_ status: Status) {
        #expect(Status.status(fromJSON: status.jsonBytes) == status)
    }

    @Test func readsAnUpstreamErrorBodyInAnyOrder() {
        let body = JSONFixtures.bytes("""
        {
          "code": 404, "details": { "kind": "pods", "name": "ghost", "causes": [ { "message": "m", "reason": "r" } ] },
          "reason": "NotFound", "message": "pods \\"ghost\\" not found", "status": "Failure",
          "metadata": {}, "apiVersion": "v1", "kind": "Status", "unknown": [1, {"x": null}]
        }
        """)
        let status = Status.status(fromJSON: body)
        #expect(status?.code == 404 && status?.reason == .notFound)
        #expect(status?.message == #"pods "ghost" not found"#)
        #expect(status?.details?.name == "ghost" && status?.details?.kind == "pods")
        #expect(status?.details?.causes == [Status.Cause(reason: "r", message: "m")])
        #expect(status?.isSuccess == false)
    }

    @Test(arguments: [
        #"{"kind":"Pod","code":404}"#, #"[]"#, #"{"code":"404"}"#, #"{"code":4.5}"#, #"{"details":[]}"#,
        #"{"details":{"causes":{}}}"#, #"{"message":"x""#, #"not json"#, #"{"code":1} {}"#,
    ])
    func rejectsNonStatusBodies(_ json: String) {
        #expect(Status.status(fromJSON: JSONFixtures.bytes(json)) == nil)
    }

    @Test func unknownReasonBecomesUnknown() {
        let status = Status.status(fromJSON: JSONFixtures.bytes(#"{"reason":"SomethingNew","code":418}"#))
        #expect(status?.reason == .unknown && status?.code == 418)
    }
}
