import Foundation
import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("Saved object metadata")
struct ObjectMetadataCodecTests {
    static let documents: [(String, CachedResource, String)] = [
        ("pod with node, labels and a deletion timestamp", Fixtures.pods, """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"prod","uid":"u-1",\
            "resourceVersion":"42","deletionTimestamp":"2025-01-01T00:00:00Z","labels":{"app":"web","tier":"é"}},\
            "spec":{"nodeName":"node-7","restartPolicy":"Always"},"status":{"phase":"Running"}}
            """),
        ("cluster-scoped, no labels, absent fields", CachedResource(APIResource(
            groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "nodes"),
            kind: "Node", namespaced: false)), """
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-7","uid":"u-2","resourceVersion":"9"}}
            """),
        ("configmap", Fixtures.configMaps, """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"d","uid":"u-3",\
            "resourceVersion":"18446744073709551615"},"data":{"k":"v"}}
            """),
    ]

    @Test("decoding what was encoded gives the object parsing gives", arguments: documents.map(\.0))
    func roundTrip(name: String) throws {
        let (_, resource, json) = try #require(Self.documents.first { $0.0 == name })
        let bytes = Array(json.utf8)
        let parsed = try CachedObject(json: bytes[...], resource: resource)
        var metadata: [UInt8] = [0xFF]
        ObjectMetadataCodec.encode(parsed, into: &metadata)
        let decoded = try ObjectMetadataCodec.decode(
            bytes: bytes[...], metadata: metadata, resourceVersion: parsed.resourceVersion,
            fieldCount: resource.fieldPaths.count)
        #expect(decoded.key == parsed.key)
        #expect(decoded.uid == parsed.uid)
        #expect(decoded.resourceVersion == parsed.resourceVersion)
        #expect(decoded.labels == parsed.labels)
        #expect(decoded.fieldValues == parsed.fieldValues)
        #expect(decoded.metadataBytes == parsed.metadataBytes)
        #expect(decoded.isTerminating == parsed.isTerminating)
        #expect(decoded.bytes == parsed.bytes)
    }

    @Test("a truncated, overlong or inconsistent encoding is rejected")
    func rejectsDamage() throws {
        let bytes = Fixtures.json(Fixtures.pods, name: "p", rv: 5)
        let object = try CachedObject(json: bytes[...], resource: Fixtures.pods)
        var metadata: [UInt8] = []
        ObjectMetadataCodec.encode(object, into: &metadata)
        let fields = Fixtures.pods.fieldPaths.count
        func decode(_ metadata: [UInt8], bytes: [UInt8] = bytes, fields: Int = fields) -> Bool {
            (try? ObjectMetadataCodec.decode(
                bytes: bytes[...], metadata: metadata, resourceVersion: ResourceVersion(5), fieldCount: fields)) != nil
        }
        #expect(decode(metadata))
        for length in 0..<metadata.count { #expect(!decode(Array(metadata.prefix(length)))) }
        #expect(!decode(metadata + [0]))
        #expect(!decode(metadata, fields: fields + 1))
        #expect(!decode(metadata, bytes: Array(bytes.prefix(10))))
        #expect(!decode([2] + metadata.dropFirst()))
    }

    @Test("saved metadata from other extraction code is ignored: objects are parsed again")
    func staleMetadataIsParsedAgain() async throws {
        let directory = TemporaryDirectory()
        let pods = ResourceCache(resource: Fixtures.pods, logger: Fixtures.quietLogger)
        pods.replace(with: [
            Fixtures.object(Fixtures.pods, name: "a", rv: 1, nodeName: "node-1"),
            Fixtures.object(Fixtures.pods, name: "b", rv: 2, nodeName: "node-2"),
        ], resourceVersion: ResourceVersion(2))
        pods.setReadiness(.synced)
        let store = makeStore(directory.file())
        #expect(await store.save([pods]) != nil)
        await store.close()

        // Different field paths (as if a newer kcache computed other selectable fields) and
        // garbage metadata: only a parse can give the right answer.
        let connection = try SQLiteConnection(path: directory.file(), create: false)
        try connection.execute("UPDATE resources SET field_paths = 'spec.other'; UPDATE objects SET metadata = x'00'")
        connection.close()
        let restored = try #require(await loadCaches(directory.file())[Fixtures.pods.groupVersionResource])
        #expect(restored.contents == pods.contents)
        #expect(restored.store.keys(onNode: "node-2") == [ObjectKey(namespace: "default", name: "b")])

        // With the right field paths the (garbage) saved metadata would be used: the file is
        // then unreadable, which shows the fallback above really parsed.
        let again = try SQLiteConnection(path: directory.file(), create: false)
        try again.execute("UPDATE resources SET field_paths = '\(Fixtures.pods.fieldPaths.joined(separator: "\n"))'")
        again.close()
        #expect(await loadCaches(directory.file()).isEmpty)
    }
}
