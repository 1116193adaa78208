import Foundation
import KubeAPI

/// The Kubernetes protobuf encoding for ConfigMaps (`application/vnd.kubernetes.protobuf`):
/// the 4-byte magic `k8s\0`, then a `runtime.Unknown` {typeMeta=1 {apiVersion=1, kind=2},
/// raw=2, contentEncoding=3, contentType=4} whose `raw` is the object.
///
/// ConfigMap {metadata=1, data=2 map, binaryData=3 map, immutable=4}; ObjectMeta {name=1,
/// generateName=2, namespace=3, selfLink=4, uid=5, resourceVersion=6, generation=7,
/// creationTimestamp=8 Time{seconds=1, nanos=2}, deletionTimestamp=9,
/// deletionGracePeriodSeconds=10, labels=11, annotations=12, finalizers=14};
/// ConfigMapList {metadata=1 ListMeta{selfLink=1, resourceVersion=2, continue=3,
/// remainingItemCount=4}, items=2}. Translated to and from the JSON form at the edge, so the
/// store keeps one encoding. Pure functions.
enum KubeProtobuf {
    static let mediaType = "application/vnd.kubernetes.protobuf"
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Kinds with a protobuf codec here.
    static func supports(_ definition: ResourceDefinition) -> Bool {
        definition.kind == "ConfigMap"
    }

    // MARK: Envelope

    /// `k8s\0` + runtime.Unknown around `raw`, with empty contentEncoding and contentType as
    /// the API server writes them.
    static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
        var unknown = ProtobufWriter()
        unknown.message(1) { typeMeta in
            typeMeta.string(1, apiVersion)
            typeMeta.string(2, kind)
        }
        unknown.bytes(2, raw)
        unknown.string(3, "")
        unknown.string(4, "")
        return magic + unknown.bytes
    }

    /// The `raw` object of an enveloped body.
    static func unwrap(_ body: [UInt8]) throws(Status) -> (apiVersion: String, kind: String, raw: ArraySlice<UInt8>) {
        guard body.count >= 4, Array(body.prefix(4)) == magic else {
            throw Status.badRequest("provided object is not a protobuf message: missing the 'k8s\\x00' prefix")
        }
        var apiVersion = ""
        var kind = ""
        var raw: ArraySlice<UInt8> = []
        for (field, value) in try ProtobufReader.fields(body[4...]) {
            switch field {
            case 1:
                for (typeField, typeValue) in try ProtobufReader.fields(value.slice ?? []) {
                    if typeField == 1 { apiVersion = typeValue.string ?? "" }
                    if typeField == 2 { kind = typeValue.string ?? "" }
                }
            case 2:
                raw = value.slice ?? []
            default:
                break
            }
        }
        return (apiVersion, kind, raw)
    }

    // MARK: ConfigMap

    /// A protobuf ConfigMap body turned into its JSON object.
    static func decodeConfigMap(_ body: [UInt8]) throws(Status) -> JSONObject {
        let (apiVersion, kind, raw) = try unwrap(body)
        var object = JSONObject()
        if !kind.isEmpty { object["kind"] = .string(kind) }
        if !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
        var data = JSONObject()
        var binaryData = JSONObject()
        for (field, value) in try ProtobufReader.fields(raw) {
            switch field {
            case 1: object["metadata"] = .object(try decodeObjectMeta(value.slice ?? []))
            case 2:
                let (key, entry) = try mapEntry(value.slice ?? [])
                data[key] = .string(String(decoding: entry, as: UTF8.self))
            case 3:
                let (key, entry) = try mapEntry(value.slice ?? [])
                binaryData[key] = .string(Data(entry).base64EncodedString())
            case 4: object["immutable"] = .bool((value.integer ?? 0) != 0)
            default: break
            }
        }
        if !data.isEmpty { object["data"] = .object(data) }
        if !binaryData.isEmpty { object["binaryData"] = .object(binaryData) }
        return object
    }

    /// The stored ConfigMap as a protobuf body.
    static func encodeConfigMap(_ object: StoredObject) -> [UInt8] {
        envelope(apiVersion: "v1", kind: "ConfigMap", raw: configMapMessage(object.parsed()))
    }

    static func encodeConfigMapList(resourceVersion: UInt64, items: [StoredObject], continueToken: String?, remainingItemCount: Int?) -> [UInt8] {
        var list = ProtobufWriter()
        list.message(1) { meta in
            meta.string(1, "")
            meta.string(2, String(resourceVersion))
            meta.string(3, continueToken ?? "")
            if let remainingItemCount { meta.int(4, Int64(remainingItemCount)) }
        }
        for item in items { list.bytes(2, configMapMessage(item.parsed())) }
        return envelope(apiVersion: "v1", kind: "ConfigMapList", raw: list.bytes)
    }

    private static func configMapMessage(_ object: JSONObject) -> [UInt8] {
        var message = ProtobufWriter()
        message.message(1) { encodeObjectMeta(ObjectMeta.metadata(of: object), into: &$0) }
        message.map(2, (object.object("data") ?? JSONObject()).map { ($0.key, Array(($0.value.stringValue ?? "").utf8)) })
        message.map(3, (object.object("binaryData") ?? JSONObject()).map { ($0.key, Array(Data(base64Encoded: $0.value.stringValue ?? "") ?? Data())) })
        if let immutable = object["immutable"]?.boolValue { message.bool(4, immutable) }
        return message.bytes
    }

    // MARK: ObjectMeta

    private static func mapEntry(_ bytes: ArraySlice<UInt8>) throws(Status) -> (String, ArraySlice<UInt8>) {
        var key = ""
        var value: ArraySlice<UInt8> = []
        for (field, entry) in try ProtobufReader.fields(bytes) {
            if field == 1 { key = entry.string ?? "" }
            if field == 2 { value = entry.slice ?? [] }
        }
        return (key, value)
    }

    private static func decodeObjectMeta(_ bytes: ArraySlice<UInt8>) throws(Status) -> JSONObject {
        var metadata = JSONObject()
        var labels = JSONObject()
        var annotations = JSONObject()
        var finalizers: [JSONValue] = []
        let strings = [1: "name", 2: "generateName", 3: "namespace", 5: "uid", 6: "resourceVersion"]
        for (field, value) in try ProtobufReader.fields(bytes) {
            if let name = strings[field] {
                if let text = value.string, !text.isEmpty { metadata[name] = .string(text) }
                continue
            }
            switch field {
            case 7: if let generation = value.integer, generation != 0 { metadata["generation"] = .number(String(generation)) }
            case 8, 9:
                var seconds: Int64 = 0
                for (timeField, timeValue) in try ProtobufReader.fields(value.slice ?? []) where timeField == 1 {
                    seconds = timeValue.integer ?? 0
                }
                if seconds != 0 {
                    metadata[field == 8 ? "creationTimestamp" : "deletionTimestamp"] =
                        .string(ObjectMeta.timestamp(Date(timeIntervalSince1970: TimeInterval(seconds))))
                }
            case 10: metadata["deletionGracePeriodSeconds"] = .number(String(value.integer ?? 0))
            case 11:
                let (key, entry) = try mapEntry(value.slice ?? [])
                labels[key] = .string(String(decoding: entry, as: UTF8.self))
            case 12:
                let (key, entry) = try mapEntry(value.slice ?? [])
                annotations[key] = .string(String(decoding: entry, as: UTF8.self))
            case 14: finalizers.append(.string(value.string ?? ""))
            default: break
            }
        }
        if !labels.isEmpty { metadata["labels"] = .object(labels) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers) }
        return metadata
    }

    /// ObjectMeta as Go's generated marshaller writes it: strings and generation always,
    /// creationTimestamp always (zero when absent), optional fields only when set.
    private static func encodeObjectMeta(_ metadata: JSONObject, into message: inout ProtobufWriter) {
        for (field, name) in [(1, "name"), (2, "generateName"), (3, "namespace"), (4, "selfLink"), (5, "uid"), (6, "resourceVersion")] {
            message.string(field, metadata.string(name) ?? "")
        }
        message.int(7, Int64(metadata["generation"]?.intValue ?? 0))
        message.message(8) { time in
            time.int(1, seconds(metadata.string("creationTimestamp")))
            time.int(2, 0)
        }
        if let deletion = metadata.string("deletionTimestamp") {
            message.message(9) { time in
                time.int(1, seconds(deletion))
                time.int(2, 0)
            }
        }
        if let grace = metadata["deletionGracePeriodSeconds"]?.intValue { message.int(10, Int64(grace)) }
        message.map(11, (metadata.object("labels") ?? JSONObject()).map { ($0.key, Array(($0.value.stringValue ?? "").utf8)) })
        message.map(12, (metadata.object("annotations") ?? JSONObject()).map { ($0.key, Array(($0.value.stringValue ?? "").utf8)) })
        for finalizer in metadata["finalizers"]?.arrayValue ?? [] { message.string(14, finalizer.stringValue ?? "") }
    }

    /// Seconds since the epoch of an RFC 3339 UTC timestamp (`2024-01-01T00:00:00Z`), 0 if absent.
    static func seconds(_ timestamp: String?) -> Int64 {
        guard let timestamp else { return 0 }
        let digits = timestamp.split(whereSeparator: { !$0.isNumber }).compactMap { Int32($0) }
        guard digits.count >= 6 else { return 0 }
        var parts = tm()
        parts.tm_year = digits[0] - 1900
        parts.tm_mon = digits[1] - 1
        parts.tm_mday = digits[2]
        parts.tm_hour = digits[3]
        parts.tm_min = digits[4]
        parts.tm_sec = digits[5]
        return Int64(timegm(&parts))
    }
}
