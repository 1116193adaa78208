import Foundation
import KubeAPI
@testable import KubeCache

/// Objects and caches for engine tests, built from real JSON so metadata extraction is
/// exercised too.
enum Fixtures {
    static let configMaps = CachedResource(APIResource(
        groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "configmaps"),
        kind: "ConfigMap", namespaced: true))

    static let pods = CachedResource(APIResource(
        groupVersionResource: GroupVersionResource(group: "", version: "v1", resource: "pods"),
        kind: "Pod", namespaced: true))

    static func json(
        kind: String = "ConfigMap", namespace: String, name: String, rv: UInt64, uid: String? = nil,
        labels: [String: String] = [:], data: [String: Any]? = nil, nodeName: String? = nil
    ) -> [UInt8] {
        var metadata: [String: Any] = [
            "name": name, "namespace": namespace, "resourceVersion": String(rv),
            "uid": uid ?? "uid-\(namespace)-\(name)",
        ]
        if !labels.isEmpty { metadata["labels"] = labels }
        var object: [String: Any] = ["kind": kind, "apiVersion": "v1", "metadata": metadata]
        if let data { object["data"] = data }
        if let nodeName { object["spec"] = ["nodeName": nodeName] }
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func object(
        _ resource: CachedResource = configMaps, namespace: String, name: String, rv: UInt64, uid: String? = nil,
        labels: [String: String] = [:], data: [String: Any]? = nil, nodeName: String? = nil
    ) -> CachedObject {
        let kind = resource.apiResource.kind
        let bytes = json(kind: kind, namespace: namespace, name: name, rv: rv, uid: uid, labels: labels, data: data, nodeName: nodeName)
        return try! CachedObject(json: bytes[...], resource: resource)
    }

    /// An upstream watch event line and the object it carries, as the reflector builds them.
    static func event(_ type: WatchEventType, _ object: CachedObject) -> (CachedObject, [UInt8]) {
        let encoded = WatchEventEncoder.encode(type, object: object.bytes)
        let range = (encoded.count - 2 - object.bytes.count)..<(encoded.count - 2)
        return (try! CachedObject(json: encoded[range], resource: configMaps), encoded)
    }

    static func filter(
        _ resource: CachedResource = configMaps, namespace: String = "", labels: String = "", fields: String = ""
    ) -> ObjectFilter {
        ObjectFilter(
            resource: resource, namespace: namespace,
            labelSelector: try! LabelSelector(parsing: labels), fieldSelector: try! FieldSelector(parsing: fields))!
    }
}

extension ResourceCache {
    /// Applies an upstream event for `object` the way the reflector does.
    @discardableResult
    func apply(_ type: WatchEventType, _ object: CachedObject) -> ApplyOutcome {
        let (cached, encoded) = Fixtures.event(type, object)
        return apply(type, object: cached, encodedLine: encoded)
    }
}

/// A decoded watch event, for assertions.
struct DecodedEvent: Equatable, CustomStringConvertible {
    var type: String
    var name: String
    var resourceVersion: String
    var initialEventsEnd = false

    var description: String { "\(type) \(name)@\(resourceVersion)\(initialEventsEnd ? " (end)" : "")" }

    static func decode(_ segments: [ArraySlice<UInt8>]) -> [DecodedEvent] {
        let bytes = segments.flatMap { $0 }
        return bytes.split(separator: UInt8(ascii: "\n")).map { line in
            let event = try! JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
            let object = event["object"] as! [String: Any]
            let metadata = object["metadata"] as! [String: Any]
            let annotations = metadata["annotations"] as? [String: String]
            return DecodedEvent(
                type: event["type"] as! String, name: metadata["name"] as? String ?? "",
                resourceVersion: metadata["resourceVersion"] as! String,
                initialEventsEnd: annotations?["k8s.io/initial-events-end"] == "true")
        }
    }
}

extension CacheWatcher {
    /// Everything available now, until the watcher goes idle or ends.
    func drain(maxBytes: Int = 1 << 20) -> (events: [DecodedEvent], end: WatchEnd?) {
        var events: [DecodedEvent] = []
        while true {
            switch next(maxBytes: maxBytes) {
            case .events(let segments): events += DecodedEvent.decode(segments)
            case .idle: return (events, nil)
            case .ended(let end): return (events, end)
            }
        }
    }
}
