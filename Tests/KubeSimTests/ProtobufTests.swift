import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// ConfigMaps in the Kubernetes protobuf encoding, built and read here by hand (independent
/// of KubeSim's codec) from the wire format in KUBERNETES.md.
@Suite struct ProtobufTests {
    static let protobuf = "application/vnd.kubernetes.protobuf"

    /// Tiny protobuf writer for the test's own bodies.
    struct Wire {
        var bytes: [UInt8] = []
        mutating func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 { bytes.append(UInt8(value & 0x7F) | 0x80); value >>= 7 }
            bytes.append(UInt8(value))
        }
        mutating func field(_ number: Int, _ payload: [UInt8]) {
            varint(UInt64(number) << 3 | 2)
            varint(UInt64(payload.count))
            bytes += payload
        }
        mutating func field(_ number: Int, _ text: String) { field(number, Array(text.utf8)) }
        static func entry(_ key: String, _ value: String) -> [UInt8] {
            var entry = Wire()
            entry.field(1, key)
            entry.field(2, value)
            return entry.bytes
        }
    }

    /// Length-delimited fields of a message (other wire types skipped).
    static func fields(_ bytes: ArraySlice<UInt8>) -> [(Int, ArraySlice<UInt8>)] {
        var result: [(Int, ArraySlice<UInt8>)] = []
        var index = bytes.startIndex
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return value
        }
        while index < bytes.endIndex {
            let key = varint()
            switch key & 7 {
            case 0: _ = varint()
            case 2:
                let length = Int(varint())
                result.append((Int(key >> 3), bytes[index..<index + length]))
                index += length
            default: return result
            }
        }
        return result
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func createFromProtobufAndReadBackInProtobuf() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0)) { fixture in
            var metadata = Wire()
            metadata.field(1, "proto")
            metadata.field(11, Wire.entry("x", "y"))
            var configMap = Wire()
            configMap.field(1, metadata.bytes)
            configMap.field(2, Wire.entry("a", "1"))
            var typeMeta = Wire()
            typeMeta.field(1, "v1")
            typeMeta.field(2, "ConfigMap")
            var unknown = Wire()
            unknown.field(1, typeMeta.bytes)
            unknown.field(2, configMap.bytes)
            let body: [UInt8] = [0x6B, 0x38, 0x73, 0x00] + unknown.bytes

            let created = try await fixture.client.request(
                "POST", fixture.url("/api/v1/namespaces/ns-0/configmaps"),
                headers: [("Content-Type", Self.protobuf), ("Accept", "application/json")], body: body)
            #expect(created.status == 201, "\(created.text)")
            #expect((created.object["data"] as? [String: String]) == ["a": "1"])
            #expect((created.metadata["labels"] as? [String: String]) == ["x": "y"])

            let fetched = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/proto", headers: [("Accept", "\(Self.protobuf), application/json")])
            #expect(fetched.header("Content-Type") == Self.protobuf)
            #expect(Array(fetched.body.prefix(4)) == [0x6B, 0x38, 0x73, 0x00])
            let envelope = Self.fields(fetched.body[4...])
            let type = Self.fields(envelope.first { $0.0 == 1 }!.1)
            #expect(type.map { Self.string($0.1) } == ["v1", "ConfigMap"])
            let object = Self.fields(envelope.first { $0.0 == 2 }!.1)
            let meta = Self.fields(object.first { $0.0 == 1 }!.1)
            #expect(meta.first { $0.0 == 1 }.map { Self.string($0.1) } == "proto")
            #expect(meta.first { $0.0 == 6 }.map { Self.string($0.1) } == created.resourceVersion, "field 6 is the resourceVersion")
            #expect(meta.first { $0.0 == 5 }.map { Self.string($0.1) } == created.metadata["uid"] as? String, "field 5 is the uid")
            let data = object.filter { $0.0 == 2 }.map { Self.fields($0.1).map { Self.string($0.1) } }
            #expect(data == [["a", "1"]])

            // KubeAPI's reader (what kcache uses on protobuf answers) agrees.
            let envelope2 = try ProtobufEnvelope(parsing: fetched.body)
            #expect(envelope2.kind == "ConfigMap")
            #expect(envelope2.apiVersion == "v1")
            let meta2 = try ProtobufObjectMeta(objectBytes: fetched.body[envelope2.raw])
            #expect(meta2.name == "proto")
            #expect(meta2.namespace == "ns-0")
            #expect(meta2.uid == created.metadata["uid"] as? String)
            #expect(meta2.resourceVersion?.description == created.resourceVersion)

            let list = try await fixture.get("/api/v1/namespaces/ns-0/configmaps", headers: [("Accept", Self.protobuf)])
            let listEnvelope = Self.fields(list.body[4...])
            #expect(Self.fields(listEnvelope.first { $0.0 == 1 }!.1).map { Self.string($0.1) } == ["v1", "ConfigMapList"])
            let listObject = Self.fields(listEnvelope.first { $0.0 == 2 }!.1)
            #expect(listObject.filter { $0.0 == 2 }.count == 3)
            let listMeta = Self.fields(listObject.first { $0.0 == 1 }!.1)
            #expect(listMeta.first { $0.0 == 2 }.map { Self.string($0.1) } == fixture.resourceVersion)

            let json = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/proto", headers: [("Accept", "application/json, \(Self.protobuf)")])
            #expect(json.header("Content-Type") == "application/json")
            let pods = try await fixture.get("/api/v1/pods", headers: [("Accept", "\(Self.protobuf), application/json")])
            #expect(pods.header("Content-Type") == "application/json", "kinds without a codec answer JSON")
            let garbage = try await fixture.client.request(
                "POST", fixture.url("/api/v1/namespaces/ns-0/configmaps"), headers: [("Content-Type", Self.protobuf)], body: [1, 2, 3])
            #expect(garbage.status == 400)
        }
    }
}

/// Metadata-only answers (`as=PartialObjectMetadata[List]`), as metadata informers ask.
@Suite struct PartialMetadataTests {
    static let list = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
    static let single = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"

    @Test func listGetAndWatchAnswerMetadataOnly() async throws {
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 1)) { fixture in
            let list = try await fixture.get("/api/v1/namespaces/ns-0/pods", headers: [("Accept", Self.list)])
            #expect(list.object["kind"] as? String == "PartialObjectMetadataList")
            #expect(list.object["apiVersion"] as? String == "meta.k8s.io/v1")
            let item = try #require(list.items.first)
            #expect(Set(item.keys) == ["kind", "apiVersion", "metadata"])
            #expect(item["kind"] as? String == "PartialObjectMetadata")
            #expect((item["metadata"] as? [String: Any])?["name"] as? String == "pod-0")
            let one = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0", headers: [("Accept", Self.single)])
            #expect(one.object["kind"] as? String == "PartialObjectMetadata")
            #expect(one.object["data"] == nil)
            let stream = try await fixture.client.watch(fixture.url("/api/v1/namespaces/ns-0/configmaps?watch=true"), headers: [("Accept", Self.single)])
            defer { stream.close() }
            let event = try #require(try await stream.next())
            #expect(event.object["kind"] as? String == "PartialObjectMetadata")
            #expect(event.object["data"] == nil)
            #expect(event.name == "cm-0")
            let table = try await fixture.get("/api/v1/namespaces/ns-0/configmaps", headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
            #expect(table.status == 406)
        }
    }
}
