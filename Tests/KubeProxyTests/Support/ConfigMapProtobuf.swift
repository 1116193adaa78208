import KubeAPI

/// ConfigMaps in the Kubernetes protobuf encoding, as typed client-go clients send them:
/// magic `k8s\0`, then `runtime.Unknown` {typeMeta=1 {apiVersion=1, kind=2}, raw=2,
/// contentEncoding=3, contentType=4}, whose `raw` is ConfigMap {metadata=1 ObjectMeta
/// {name=1, namespace=3}, data=2 map<string,string>}.
///
/// Written here from the wire format, sharing nothing with KubeSim's codec, so the test checks
/// the two agree. Answers are read with KubeAPI's envelope and ObjectMeta readers.
enum ConfigMapProtobuf {
    static let mediaType = "application/vnd.kubernetes.protobuf"

    static func configMap(name: String, namespace: String, data: [String: String]) -> [UInt8] {
        var metadata: [UInt8] = []
        appendString(1, name, to: &metadata)
        appendString(3, namespace, to: &metadata)
        var object: [UInt8] = []
        appendBytes(1, metadata, to: &object)
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            var entry: [UInt8] = []
            appendString(1, key, to: &entry)
            appendString(2, value, to: &entry)
            appendBytes(2, entry, to: &object)
        }
        var typeMeta: [UInt8] = []
        appendString(1, "v1", to: &typeMeta)
        appendString(2, "ConfigMap", to: &typeMeta)
        var unknown: [UInt8] = []
        appendBytes(1, typeMeta, to: &unknown)
        appendBytes(2, object, to: &unknown)
        appendString(3, "", to: &unknown)
        appendString(4, "", to: &unknown)
        return [0x6B, 0x38, 0x73, 0x00] + unknown
    }

    /// The ObjectMeta identity (name, uid, resourceVersion) of a protobuf answer.
    static func meta(of body: [UInt8]) throws -> ProtobufObjectMeta {
        let envelope = try ProtobufEnvelope(parsing: body)
        return try ProtobufObjectMeta(objectBytes: body[envelope.raw])
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func appendBytes(_ field: Int, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(UInt64(field << 3 | 2), to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }

    private static func appendString(_ field: Int, _ text: String, to out: inout [UInt8]) {
        appendBytes(field, Array(text.utf8), to: &out)
    }
}
