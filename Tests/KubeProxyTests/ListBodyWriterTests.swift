import Foundation
import KubeAPI
import KubeCache
import NIOCore
import Testing
@testable import KubeProxy

@Suite struct ListBodyWriterTests {
    let pods = APIResource(groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "pods"), kind: "Pod", namespaced: true)
    let widgets = APIResource(
        groupVersionResource: GroupVersionResource(group: "example.com", version: "v1", resource: "widgets"), kind: "Widget",
        namespaced: true, isCustomResource: true)

    func object(_ resource: APIResource, _ name: String) -> CachedObject {
        let json = #"{"kind":"\#(resource.kind)","apiVersion":"\#(resource.apiVersion)","metadata":{"name":"\#(name)","namespace":"ns","uid":"u-\#(name)","resourceVersion":"3"},"spec":{"x":1}}"#
        return try! CachedObject(json: Array(json.utf8)[...], resource: CachedResource(resource))
    }

    func write(_ writer: ListBodyWriter, chunk: Int) -> [UInt8] {
        var writer = writer
        var bytes: [UInt8] = []
        while true {
            var buffer = ByteBuffer()
            guard writer.write(into: &buffer, maxBytes: chunk) else { return bytes }
            bytes += buffer.readableBytesView
        }
    }

    @Test(arguments: [1, 64, 1 << 20])
    func builtInItemsLoseTheirTypeMetaAndTheLengthIsExact(chunk: Int) throws {
        let result = ListResult(resourceVersion: ResourceVersion(9), items: [object(pods, "a"), object(pods, "b")],
                                continueToken: "tok", remainingItemCount: 3)
        let writer = ListBodyWriter(result: result, resource: pods, format: .full)
        let bytes = write(writer, chunk: chunk)
        #expect(bytes.count == writer.contentLength)
        let list = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
        #expect(list["kind"] as? String == "PodList")
        #expect(list["apiVersion"] as? String == "v1")
        let metadata = list["metadata"] as! [String: Any]
        #expect(metadata["resourceVersion"] as? String == "9")
        #expect(metadata["continue"] as? String == "tok")
        #expect(metadata["remainingItemCount"] as? Int == 3)
        let items = list["items"] as! [[String: Any]]
        #expect(items.map { ($0["metadata"] as! [String: Any])["name"] as! String } == ["a", "b"])
        let typeMetaFree = items.allSatisfy { item in item["kind"] == nil && item["apiVersion"] == nil }
        #expect(typeMetaFree)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"tok","remainingItemCount":3},"items":[{"metadata""#))
    }

    @Test func customResourceItemsKeepTheirTypeMeta() throws {
        let result = ListResult(resourceVersion: ResourceVersion(9), items: [object(widgets, "w")])
        let writer = ListBodyWriter(result: result, resource: widgets, format: .full)
        let bytes = write(writer, chunk: 1 << 20)
        #expect(bytes.count == writer.contentLength)
        let items = (try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any])["items"] as! [[String: Any]]
        #expect(items.first?["kind"] as? String == "Widget")
    }

    @Test func partialObjectMetadataList() throws {
        let result = ListResult(resourceVersion: ResourceVersion(4), items: [object(pods, "a")])
        let writer = ListBodyWriter(result: result, resource: pods, format: .partialMetadata)
        let bytes = write(writer, chunk: 7)
        #expect(bytes.count == writer.contentLength)
        let list = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
        #expect(list["kind"] as? String == "PartialObjectMetadataList")
        #expect(list["apiVersion"] as? String == "meta.k8s.io/v1")
        let item = (list["items"] as! [[String: Any]])[0]
        #expect(item["kind"] as? String == "PartialObjectMetadata")
        #expect(item["spec"] == nil)
        #expect((item["metadata"] as! [String: Any])["uid"] as? String == "u-a")
    }

    @Test func emptyList() throws {
        let writer = ListBodyWriter(result: ListResult(resourceVersion: ResourceVersion(1), items: []), resource: pods, format: .full)
        let bytes = write(writer, chunk: 10)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}"# + "\n")
        #expect(bytes.count == writer.contentLength)
    }
}
