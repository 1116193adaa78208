import KubeCache
import Testing
@testable import KubeProxy

@Suite struct ContentNegotiationTests {
    @Test(arguments: [
        (nil, ObjectFormat.full),
        ("", .full),
        ("application/json", .full),
        ("*/*", .full),
        ("application/json, */*", .full),
        // Typed client-go: protobuf first, JSON accepted: served JSON from the cache.
        ("application/vnd.kubernetes.protobuf, */*", .full),
        ("application/vnd.kubernetes.protobuf,application/json", .full),
        // Metadata informers and the garbage collector.
        ("application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json", .partialMetadata),
        ("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", .partialMetadata),
        ("application/json; as=PartialObjectMetadataList; g=meta.k8s.io; v=v1", .partialMetadata),
    ] as [(String?, ObjectFormat)])
    func servedFromTheCache(accept: String?, format: ObjectFormat) {
        #expect(ContentNegotiation.format(accept: accept) == format)
    }

    @Test(arguments: [
        // kubectl's human output asks for a Table first: the upstream renders it.
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
        // Protobuf only.
        "application/vnd.kubernetes.protobuf",
        "application/yaml",
        // A partial-metadata version the cache does not render.
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1",
    ])
    func goUpstream(accept: String) {
        #expect(ContentNegotiation.format(accept: accept) == nil)
    }
}
