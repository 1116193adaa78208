import KubeAPI

/// The subresources that are not the object itself: `deployments/scale` (an
/// `autoscaling/v1` Scale in and out, backed by `spec.replicas`) and `pods/log` (a few
/// plain-text lines; KubeSim runs no containers).
extension ResourceHandler {
    func scale(_ request: SimRequest) throws(Status) -> SimResponse {
        switch request.method {
        case "GET":
            guard let object = store.get(resource, key: key) else {
                throw Status.notFound(group: resource.group, resource: resource.resource, name: key.name)
            }
            return .json(200, scaleBytes(object))
        case "PUT", "PATCH":
            var scaleOptions = options(request)
            scaleOptions.subresource = nil
            let outcome = try store.update(resource, key: key, options: scaleOptions) { current throws(Status) in
                let currentScale = (try? JSONParser.parse(scaleBytes(current))) ?? .null
                let scale: JSONValue
                if request.method == "PUT" {
                    scale = .object(try decodeBody(request))
                } else {
                    let patch: JSONValue
                    do throws(JSONParser.SyntaxError) { patch = try JSONParser.parse(request.body) } catch { throw Status.badRequest("error decoding patch: \(error.message)") }
                    let type = (request.header("content-type") ?? "").lowercased()
                    scale = type.hasPrefix("application/json-patch+json")
                        ? try JSONPatch.apply(patch, to: currentScale)
                        : MergePatch.apply(patch, to: currentScale)
                }
                let stated = scale.value(atPath: ["metadata", "resourceVersion"])?.stringValue ?? ""
                if !stated.isEmpty, stated != String(current.resourceVersion) {
                    throw Status.conflict(
                        group: resource.group, resource: resource.resource, name: key.name,
                        message: "the object has been modified; please apply your changes to the latest version and try again")
                }
                guard let replicas = scale.value(atPath: ["spec", "replicas"])?.intValue, replicas >= 0 else {
                    throw Status.invalid(group: "autoscaling", kind: "Scale", name: key.name, causes: [
                        Status.Cause(reason: "FieldValueInvalid", message: "Invalid value: must be greater than or equal to 0", field: "spec.replicas"),
                    ])
                }
                var object = current.parsed()
                var spec = object.object("spec") ?? JSONObject()
                spec["replicas"] = .number(String(replicas))
                object["spec"] = .object(spec)
                ObjectMeta.update(&object) { $0["resourceVersion"] = nil }
                return object
            }
            switch outcome {
            case .updated(let object), .unchanged(let object), .deleted(let object): return .json(200, scaleBytes(object))
            }
        default:
            throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    /// The Scale view of a deployment.
    private func scaleBytes(_ object: StoredObject) -> [UInt8] {
        let parsed = object.parsed()
        let metadata = ObjectMeta.metadata(of: parsed)
        var scaleMetadata = JSONObject()
        for member in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let value = metadata[member] { scaleMetadata[member] = value }
        }
        let spec = parsed.object("spec") ?? JSONObject()
        let matchLabels = spec.object("selector")?.object("matchLabels") ?? JSONObject()
        let selector = matchLabels.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
        let status = parsed.object("status") ?? JSONObject()
        return JSONValue.object(JSONObject([
            ("kind", .string("Scale")), ("apiVersion", .string("autoscaling/v1")),
            ("metadata", .object(scaleMetadata)),
            ("spec", .object(JSONObject([("replicas", spec["replicas"] ?? .number("1"))]))),
            ("status", .object(JSONObject([("replicas", status["replicas"] ?? .number("0")), ("selector", .string(selector))]))),
        ])).encoded
    }

    func log(_ request: SimRequest) throws(Status) -> SimResponse {
        guard request.method == "GET" else {
            throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
        }
        guard store.get(resource, key: key) != nil else {
            throw Status.notFound(group: resource.group, resource: resource.resource, name: key.name)
        }
        let text = "simulated log of pod \(key.namespace)/\(key.name): started\nsimulated log of pod \(key.namespace)/\(key.name): ready\n"
        return .full(status: 200, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }
}
