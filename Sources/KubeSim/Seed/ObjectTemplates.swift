/// Realistic object bodies for seeding and churn: pods of 2–4 KB shaped like a real
/// cluster's (scheduled on a node or not, varied phases, container statuses, conditions),
/// configmaps with a payload of chosen size, nodes, deployments and widgets.
///
/// Pure functions of their index, so seeds are reproducible.
enum ObjectTemplates {
    static let tiers = ["frontend", "backend", "cache"]
    static let phases = ["Running", "Running", "Running", "Running", "Running", "Running", "Succeeded", "Failed", "Running", "Pending"]

    static func labels(_ index: Int, extra: [(String, String)] = []) -> JSONValue {
        var labels = JSONObject([
            ("app", .string("app-\(index % 5)")), ("tier", .string(tiers[index % 3])), ("index", .string(String(index))),
        ])
        for (key, value) in extra { labels[key] = .string(value) }
        return .object(labels)
    }

    static func metadata(name: String, index: Int) -> JSONValue {
        .object(JSONObject([("name", .string(name)), ("labels", labels(index))]))
    }

    static func namespace(_ name: String) -> JSONObject {
        JSONObject([("metadata", .object(JSONObject([("name", .string(name))])))])
    }

    static func configMap(index: Int, dataBytes: Int) -> JSONObject {
        var data = JSONObject()
        if dataBytes > 0 {
            data["payload"] = .string(payload(index: index, bytes: dataBytes))
        } else {
            data["config.yaml"] = .string("replicas: \(index % 7)\nlogLevel: info\n")
            data["feature"] = .string(index % 2 == 0 ? "enabled" : "disabled")
        }
        return JSONObject([("metadata", metadata(name: "cm-\(index)", index: index)), ("data", .object(data))])
    }

    static func payload(index: Int, bytes: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var text = ""
        text.reserveCapacity(bytes)
        var state = UInt64(index &* 2_654_435_761 &+ 1)
        for _ in 0..<bytes {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text.append(alphabet[Int(state >> 59) % alphabet.count])
        }
        return text
    }

    static func node(_ index: Int) -> JSONObject {
        JSONObject([
            ("metadata", .object(JSONObject([
                ("name", .string("node-\(index)")),
                ("labels", .object(JSONObject([
                    ("kubernetes.io/hostname", .string("node-\(index)")), ("kubernetes.io/os", .string("linux")),
                    ("topology.kubernetes.io/zone", .string("zone-\(index % 3)")),
                ]))),
            ]))),
            ("spec", .object(JSONObject([("podCIDR", .string("10.244.\(index % 256).0/24"))]))),
            ("status", .object(JSONObject([
                ("capacity", .object(JSONObject([("cpu", .string("8")), ("memory", .string("32Gi")), ("pods", .string("110"))]))),
                ("conditions", .array([.object(JSONObject([
                    ("type", .string("Ready")), ("status", .string("True")), ("reason", .string("KubeletReady")),
                ]))])),
            ]))),
        ])
    }
}
