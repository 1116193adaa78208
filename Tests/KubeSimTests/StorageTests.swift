import Foundation
import KubeAPI
@testable import KubeSim
import Testing

/// The storage pieces as values, without sockets: ordered keys, the event ring, MVCC pruning,
/// JSON round trips and patch functions.
@Suite struct StorageTests {
    @Test func sortedKeysKeepStorageKeyOrderAcrossChunks() {
        var keys = SortedKeys()
        var expected: [ObjectKey] = []
        for index in (0..<2000).reversed() {
            let key = ObjectKey(namespace: index % 2 == 0 ? "a" : "a-b", name: "n\(index)")
            keys.insert(key)
            expected.append(key)
        }
        keys.insert(ObjectKey(namespace: "a", name: "n0"))
        expected.sort()
        #expect(keys.count == 2000)
        #expect(Array(keys.keys(from: nil)) == expected)
        #expect(expected.first?.namespace == "a-b", "a-b/… sorts before a/…")
        let middle = expected[1234]
        #expect(keys.rank(of: middle) == 1234)
        #expect(Array(keys.keys(from: middle, inclusive: false)).first == expected[1235])
        for key in expected.prefix(1000) { keys.remove(key) }
        #expect(Array(keys.keys(from: nil)) == Array(expected.dropFirst(1000)))
    }

    @Test func eventHistoryFindsEventsAfterAVersion() {
        var history = EventHistory()
        let definition = ResourceDefinition.configMaps
        for version in 1...40 {
            let object = ObjectCodec.encode(JSONObject([("metadata", .object(JSONObject([("name", .string("x"))])))]), definition: definition, resourceVersion: UInt64(version))
            history.append(StoreEvent(type: .added, resourceVersion: UInt64(version * 2), object: object))
        }
        for _ in 0..<10 { _ = history.removeOldest() }
        #expect(history.count == 30)
        #expect(history.events(after: 41).map(\.resourceVersion).first == 42)
        #expect(history.events(after: 42).map(\.resourceVersion).first == 44)
        #expect(history.events(after: 80).isEmpty)
    }

    @Test func resourceStatePrunesWhatNoReadCanSee() {
        var state = ResourceState(definition: .configMaps)
        func object(_ name: String, _ version: UInt64) -> StoredObject {
            ObjectCodec.encode(JSONObject([("metadata", .object(JSONObject([("name", .string(name)), ("namespace", .string("ns"))])))]),
                               definition: .configMaps, resourceVersion: version)
        }
        let first = object("a", 1)
        state.record(StoreEvent(type: .added, resourceVersion: 1, object: first), historyLimit: 3)
        state.record(StoreEvent(type: .modified, resourceVersion: 2, object: object("a", 2), previous: first), historyLimit: 3)
        state.record(StoreEvent(type: .added, resourceVersion: 3, object: object("b", 3)), historyLimit: 3)
        state.record(StoreEvent(type: .deleted, resourceVersion: 4, object: object("b", 4), previous: object("b", 3)), historyLimit: 3)
        #expect(state.horizon == 1)
        #expect(state.object(ObjectKey(namespace: "ns", name: "a"), at: 1)?.resourceVersion == 1)
        #expect(state.object(ObjectKey(namespace: "ns", name: "b"), at: 3)?.resourceVersion == 3)
        #expect(state.object(ObjectKey(namespace: "ns", name: "b"), at: 4) == nil)
        #expect(state.liveCount == 1)
        #expect(state.events(after: 0) == nil, "0 is before the horizon")
        #expect(state.events(after: 1)?.map(\.resourceVersion) == [2, 3, 4])
        state.compact(to: 4)
        #expect(state.horizon == 4)
        #expect(state.keys.count == 1, "b's tombstone is pruned")
        #expect(state.events(after: 3) == nil)
        #expect(state.current(ObjectKey(namespace: "ns", name: "a"))?.resourceVersion == 2)
    }

    @Test(arguments: [
        (#"{"a":1,"b":[true,false,null],"c":{"d":"e\u00e9\n"},"n":-1.5e3}"#, #"{"a":1,"b":[true,false,null],"c":{"d":"eé\n"},"n":-1.5e3}"#),
        (#"{"html":"<a&b>"}"#, #"{"html":"\u003ca\u0026b\u003e"}"#),
        (#"  [ 1 , 2 ]  "#, "[1,2]"),
    ])
    func jsonRoundTrip(_ input: String, _ output: String) throws {
        let value = try JSONParser.parse(Array(input.utf8))
        #expect(String(decoding: value.encoded, as: UTF8.self) == output)
    }

    @Test(arguments: [
        (#"{"a":"#, "unexpected end of JSON input"),
        (#"{"a" 1}"#, "invalid character '1' after object key"),
        ("x", "invalid character 'x' looking for beginning of value"),
        (#"{} {}"#, "invalid character '{' after top-level value"),
    ])
    func jsonSyntaxErrors(_ input: String, _ message: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(input.utf8)) }
        do {
            _ = try JSONParser.parse(Array(input.utf8))
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func mergePatchFollowsRFC7386() throws {
        let target = try JSONParser.parse(Array(#"{"a":"b","c":{"d":"e","f":"g"},"l":[1,2]}"#.utf8))
        let patch = try JSONParser.parse(Array(#"{"a":"z","c":{"f":null},"l":[3]}"#.utf8))
        #expect(String(decoding: MergePatch.apply(patch, to: target).encoded, as: UTF8.self) == #"{"a":"z","c":{"d":"e"},"l":[3]}"#)
    }

    @Test func jsonPatchOperations() throws {
        let document = try JSONParser.parse(Array(#"{"a":{"b":[1,2]},"c":"d"}"#.utf8))
        let patch = try JSONParser.parse(Array(#"[{"op":"add","path":"/a/b/1","value":9},{"op":"move","from":"/c","path":"/e"},{"op":"copy","from":"/e","path":"/f"},{"op":"test","path":"/f","value":"d"}]"#.utf8))
        let result = try JSONPatch.apply(patch, to: document)
        #expect(String(decoding: result.encoded, as: UTF8.self) == #"{"a":{"b":[1,9,2]},"e":"d","f":"d"}"#)
        let bad = try JSONParser.parse(Array(#"[{"op":"remove","path":"/missing"}]"#.utf8))
        #expect(throws: Status.self) { try JSONPatch.apply(bad, to: document) }
    }

    @Test func strategicMergeDirectives() throws {
        let target = try JSONParser.parse(Array(#"{"spec":{"ports":[{"port":80,"name":"http"},{"port":443,"name":"https"}],"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"args":["a","b","c"]}}"#.utf8))
        let patch = try JSONParser.parse(Array(#"{"spec":{"ports":[{"port":443,"name":"tls"}],"strategy":{"$retainKeys":["type"],"type":"Recreate"},"$deleteFromPrimitiveList/args":["b"]}}"#.utf8))
        let result = StrategicMergePatch.apply(patch, to: target)
        #expect(String(decoding: result.encoded, as: UTF8.self) == #"{"spec":{"ports":[{"port":80,"name":"http"},{"port":443,"name":"tls"}],"strategy":{"type":"Recreate"},"args":["a","c"]}}"#)
        let replace = try JSONParser.parse(Array(#"{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}"#.utf8))
        #expect(String(decoding: StrategicMergePatch.apply(replace, to: target).encoded, as: UTF8.self).contains(#""strategy":{"type":"Recreate"}"#))
    }
}
