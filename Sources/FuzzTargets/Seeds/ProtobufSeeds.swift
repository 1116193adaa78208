/// Seed protobuf bodies, built with `ProtobufWriter` as the API server's protobuf serializer
/// lays them out: `k8s\0`, then `runtime.Unknown{typeMeta, raw, contentEncoding, contentType}`.
enum ProtobufSeeds {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    static let objectMeta = ProtobufWriter()
        .string(1, "web-1").string(2, "web-").string(3, "shop").string(5, "5c7a1f3e-2b4d-4e8a-9f10-6a2b3c4d5e6f")
        .string(6, "48213377").varint(7, 3)
        .message(8, ProtobufWriter().varint(1, 1_700_000_000))
        .message(11, ProtobufWriter().string(1, "app").string(2, "web"))

    /// A Pod: metadata = 1, spec = 2 (nodeName = 10), status = 3 (phase = 1).
    static let pod = ProtobufWriter().message(1, objectMeta)
        .message(2, ProtobufWriter().string(10, "node-a-17")).message(3, ProtobufWriter().string(1, "Running"))

    static func envelope(kind: String, apiVersion: String = "v1", raw: ProtobufWriter) -> [UInt8] {
        magic + ProtobufWriter()
            .message(1, ProtobufWriter().string(1, apiVersion).string(2, kind))
            .bytes(2, raw.bytes).string(3, "").string(4, "application/vnd.kubernetes.protobuf").bytes
    }

    static var bodies: [(String, [UInt8])] {
        let notFound = ProtobufWriter().message(1, ProtobufWriter()).string(2, "Failure")
            .string(3, "pods \"web-1\" not found").string(4, "NotFound")
            .message(5, ProtobufWriter().string(1, "web-1").string(3, "pods")).varint(6, 404)
        let deleted = ProtobufWriter().string(2, "Success")
            .message(5, ProtobufWriter().string(1, "settings").string(3, "configmaps").string(6, "11111111-uid"))
        let invalid = ProtobufWriter().string(2, "Failure").string(4, "Invalid").varint(6, 422)
            .message(5, ProtobufWriter().message(4, ProtobufWriter().string(1, "FieldValueRequired").string(2, "Required value")
                .string(3, "spec.containers")).varint(5, 1))
        let configMap = ProtobufWriter()
            .message(1, ProtobufWriter().string(1, "settings").string(3, "default").string(6, "907"))
            .message(2, ProtobufWriter().string(1, "key").string(2, "value"))
        // Unknown fields of every wire type, a repeated typeMeta (merged), a negative code.
        let unusual = magic + ProtobufWriter()
            .message(1, ProtobufWriter().string(1, "v1")).raw([0x2D, 1, 2, 3, 4, 0x31, 1, 2, 3, 4, 5, 6, 7, 8])
            .varint(9, 1 << 40).message(1, ProtobufWriter().string(2, "Status"))
            .bytes(2, ProtobufWriter().varint(6, UInt64(bitPattern: -1)).bytes).bytes
        let pod = envelope(kind: "Pod", raw: pod)
        return [
            ("pod", pod),
            ("status-not-found", envelope(kind: "Status", raw: notFound)),
            ("status-delete-success", envelope(kind: "Status", raw: deleted)),
            ("status-invalid", envelope(kind: "Status", raw: invalid)),
            ("configmap", envelope(kind: "ConfigMap", raw: configMap)),
            ("unusual-fields", unusual),
            ("truncated", Array(pod.prefix(pod.count - 5))),
            ("magic-only", magic),
            ("no-magic", pod.dropFirst(4).map { $0 }),
            ("long-varint", magic + [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x02]),
        ]
    }
}
