import Testing
@testable import KubeAPI

/// `ListBody`: list metadata and the exact byte range of every item.
@Suite struct ListBodyTests {
    @Test func splitsAPagedPodList() throws {
        let body = JSONFixtures.bytes(JSONFixtures.podList(count: 5, resourceVersion: 777, continueToken: "abc", remaining: 42))
        let list = try ListBody(parsing: body)
        #expect(list.kind == "PodList" && list.apiVersion == "v1")
        #expect(list.resourceVersion == ResourceVersion(777))
        #expect(list.continueToken == "abc")
        #expect(list.remainingItemCount == 42)
        #expect(list.items.count == 5)
        for (index, range) in list.items.enumerated() {
            let item = Array(body[range])
            #expect(item == JSONFixtures.bytes(JSONFixtures.pod(name: "web-\(index)", resourceVersion: 48_000_000 + UInt64(index),
                                                                withTypeMeta: false)))
            let metadata = try ObjectJSON.metadata(of: body[range])
            #expect(metadata.name == "web-\(index)" && metadata.kind == nil)
        }
    }

    @Test func lastPageHasNoContinueOrCount() throws {
        let list = try ListBody(parsing: JSONFixtures.bytes(JSONFixtures.podList(count: 1, continueToken: nil, remaining: nil)))
        #expect(list.continueToken == nil && list.remainingItemCount == nil && list.items.count == 1)
    }

    @Test func customResourceListPrettyPrintedWithMetadataLast() throws {
        let body = JSONFixtures.bytes(JSONFixtures.crdList)
        let list = try ListBody(parsing: body)
        #expect(list.kind == "CronTabList" && list.apiVersion == "stable.example.com/v1")
        #expect(list.resourceVersion == ResourceVersion(12))
        #expect(list.continueToken == nil, "an empty continue is the last page")
        #expect(list.items.count == 2)
        let names = try list.items.map { try ObjectJSON.metadata(of: body[$0]).name }
        #expect(names == ["first", "second"])
        #expect(try list.items.allSatisfy { try ObjectJSON.metadata(of: body[$0]).kind == "CronTab" })
        #expect(body[list.items[0].lowerBound] == UInt8(ascii: "{") && body[list.items[0].upperBound - 1] == UInt8(ascii: "}"))
    }

    static let layouts: [(String, Int)] = [
        (#"{"items":[]}"#, 0),
        (#"{"items":null,"metadata":{}}"#, 0),
        (#"{"metadata":{"resourceVersion":"1"}}"#, 0),
        (#"{"items":[{"a":1},{"b":[{}]}],"items":[{"c":1}]}"#, 1),
        (" {\n \"items\" : [ {} , {} ,\n{} ] } ", 3),
    ]

    @Test(arguments: layouts)
    func itemCounts(_ json: String, _ count: Int) throws {
        #expect(try ListBody(parsing: JSONFixtures.bytes(json)).items.count == count)
    }

    static let rejected: [String] = [
        #"[]"#, #"{"items":{}}"#, #"{"items":[1]}"#, #"{"items":["x"]}"#, #"{"items":[{},]}"#,
        #"{"metadata":[]}"#, #"{"metadata":{"remainingItemCount":"5"}}"#, #"{"metadata":{"remainingItemCount":1.5}}"#,
        #"{"metadata":{"continue":5}}"#, #"{"items":[{}]"#, #"{"items":[{}]}]"#,
    ]

    @Test(arguments: rejected)
    func rejectsMalformedLists(_ json: String) {
        #expect(throws: JSONError.self) { try ListBody(parsing: JSONFixtures.bytes(json)) }
    }

    @Test func sliceRangesUseSliceIndices() throws {
        let body = JSONFixtures.bytes("HTTP-ish prefix|" + #"{"items":[{"metadata":{"name":"a"}}]}"#)
        let start = body.firstIndex(of: UInt8(ascii: "{"))!
        let list = try ListBody(parsing: body[start...])
        #expect(try ObjectJSON.metadata(of: body[list.items[0]]).name == "a")
    }
}
