import Foundation
import KubeAPI

/// Per-kind create/update rules, as the API server's registry strategies apply them: defaults,
/// the status a new object starts with, and the validation whose 422s clients meet most.
///
/// Deliberately small: enough defaulting that objects look like a real cluster's (pods get
/// `restartPolicy`, `schedulerName`…; namespaces their `kubernetes` finalizer and name label;
/// services a cluster IP) and the validation kubectl users hit (names, required fields).
enum ResourceStrategy {
    /// Fills defaults and server-owned fields of a new object. `preserveStatus` keeps the
    /// given status (seeding builds objects "as a controller left them").
    static func prepareForCreate(_ object: inout JSONObject, definition: ResourceDefinition, preserveStatus: Bool) {
        let name = ObjectMeta.metadata(of: object).string("name") ?? ""
        switch definition.kind {
        case "Namespace":
            ObjectMeta.update(&object) { metadata in
                var labels = metadata.object("labels") ?? JSONObject()
                labels["kubernetes.io/metadata.name"] = .string(name)
                metadata["labels"] = .object(labels)
            }
            object["spec"] = .object(JSONObject([("finalizers", .array([.string("kubernetes")]))]))
            object["status"] = .object(JSONObject([("phase", .string("Active"))]))
        case "Pod":
            var spec = object.object("spec") ?? JSONObject()
            setDefault(&spec, "restartPolicy", .string("Always"))
            setDefault(&spec, "terminationGracePeriodSeconds", .number("30"))
            setDefault(&spec, "dnsPolicy", .string("ClusterFirst"))
            setDefault(&spec, "serviceAccountName", .string("default"))
            setDefault(&spec, "serviceAccount", spec["serviceAccountName"] ?? .string("default"))
            setDefault(&spec, "securityContext", .object(JSONObject()))
            setDefault(&spec, "schedulerName", .string("default-scheduler"))
            setDefault(&spec, "enableServiceLinks", .bool(true))
            setDefault(&spec, "priority", .number("0"))
            object["spec"] = .object(spec)
            if !preserveStatus {
                object["status"] = .object(JSONObject([("phase", .string("Pending")), ("qosClass", .string("BestEffort"))]))
            }
        case "Deployment":
            var spec = object.object("spec") ?? JSONObject()
            setDefault(&spec, "replicas", .number("1"))
            setDefault(&spec, "revisionHistoryLimit", .number("10"))
            setDefault(&spec, "progressDeadlineSeconds", .number("600"))
            object["spec"] = .object(spec)
            if !preserveStatus { object["status"] = .object(JSONObject()) }
        case "Secret":
            setDefault(&object, "type", .string("Opaque"))
            mergeStringData(&object)
        case "Service":
            var spec = object.object("spec") ?? JSONObject()
            setDefault(&spec, "type", .string("ClusterIP"))
            setDefault(&spec, "sessionAffinity", .string("None"))
            if spec["clusterIP"] == nil {
                let address = "10.96.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
                spec["clusterIP"] = .string(address)
                spec["clusterIPs"] = .array([.string(address)])
            }
            setDefault(&spec, "ipFamilies", .array([.string("IPv4")]))
            setDefault(&spec, "ipFamilyPolicy", .string("SingleStack"))
            setDefault(&spec, "internalTrafficPolicy", .string("Cluster"))
            object["spec"] = .object(spec)
            if !preserveStatus { object["status"] = .object(JSONObject([("loadBalancer", .object(JSONObject()))])) }
        default:
            break
        }
    }

    /// Rules applied to every update of a built-in kind.
    /// Rules applied to every update of a built-in kind (secrets fold `stringData` in).
    static func prepareForUpdate(_ object: inout JSONObject, definition: ResourceDefinition) {
        if definition.kind == "Secret" { mergeStringData(&object) }
    }

    /// The 422s of the kind's validation; nil when valid.
    static func validate(_ object: JSONObject, definition: ResourceDefinition) -> Status? {
        let metadata = ObjectMeta.metadata(of: object)
        let name = metadata.string("name") ?? ""
        var causes: [Status.Cause] = []
        let labelNamed = definition.kind == "Namespace" || definition.kind == "Service"
        if labelNamed ? !ObjectMeta.isDNSLabel(name) : !ObjectMeta.isDNSSubdomain(name) {
            causes.append(Status.Cause(
                reason: "FieldValueInvalid",
                message: "Invalid value: \(JSONString.quoted(name)): \(labelNamed ? ObjectMeta.labelMessage : ObjectMeta.subdomainMessage)",
                field: "metadata.name"))
        }
        switch definition.kind {
        case "Pod":
            let containers = object.object("spec")?["containers"]?.arrayValue ?? []
            if containers.isEmpty {
                causes.append(Status.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.containers"))
            }
            for (index, container) in containers.enumerated() where (container.objectValue?.string("image") ?? "").isEmpty {
                causes.append(Status.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.containers[\(index)].image"))
            }
        case "Deployment":
            if object.object("spec")?["selector"] == nil {
                causes.append(Status.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.selector"))
            }
        default:
            break
        }
        if causes.isEmpty { return nil }
        return Status.invalid(group: definition.resource.group, kind: definition.kind, name: name, causes: causes)
    }

    private static func setDefault(_ object: inout JSONObject, _ key: String, _ value: JSONValue) {
        if object[key] == nil { object[key] = value }
    }

    /// `stringData` is write-only: merged into `data` as base64 and dropped.
    private static func mergeStringData(_ object: inout JSONObject) {
        guard let stringData = object.object("stringData") else { return }
        var data = object.object("data") ?? JSONObject()
        for member in stringData {
            data[member.key] = .string(Data((member.value.stringValue ?? "").utf8).base64EncodedString())
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }
}
