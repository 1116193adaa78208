import KubeAPI

/// The built-in resources KubeSim serves, with the field labels and delete behaviour of the
/// API server's registry for each (pkg/registry/<group>/<resource>/strategy.go).
extension ResourceDefinition {
    static let namespaces = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "namespaces"), kind: "Namespace",
        singularName: "namespace", namespaced: false, shortNames: ["ns"],
        verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
        extraFieldLabels: ["status.phase"], subresources: ["status", "finalize"],
        deleteReturnsObject: true)

    static let configMaps = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "configmaps"), kind: "ConfigMap",
        singularName: "configmap", namespaced: true, shortNames: ["cm"])

    static let secrets = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "secrets"), kind: "Secret",
        singularName: "secret", namespaced: true, extraFieldLabels: ["type"])

    static let pods = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "pods"), kind: "Pod",
        singularName: "pod", namespaced: true, shortNames: ["po"], categories: ["all"],
        extraFieldLabels: [
            "spec.hostNetwork", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
            "spec.serviceAccountName", "status.nominatedNodeName", "status.phase", "status.podIP",
            "status.podIPs",
        ],
        fieldAliases: ["spec.host": "spec.nodeName"], booleanFields: ["spec.hostNetwork"],
        subresources: ["status", "log"], deleteReturnsObject: true)

    static let services = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "services"), kind: "Service",
        singularName: "service", namespaced: true, shortNames: ["svc"], categories: ["all"],
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        extraFieldLabels: ["spec.clusterIP", "spec.type"], subresources: ["status"],
        deleteReturnsObject: true)

    static let nodes = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "nodes"), kind: "Node",
        singularName: "node", namespaced: false, shortNames: ["no"],
        extraFieldLabels: ["spec.unschedulable"], booleanFields: ["spec.unschedulable"],
        subresources: ["status"])

    static let events = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "events"), kind: "Event",
        singularName: "event", namespaced: true, shortNames: ["ev"],
        extraFieldLabels: [
            "involvedObject.apiVersion", "involvedObject.fieldPath", "involvedObject.kind",
            "involvedObject.name", "involvedObject.namespace", "involvedObject.resourceVersion",
            "involvedObject.uid", "reason", "reportingComponent", "source", "type",
        ],
        fieldValuePaths: ["source": "source.component"])

    static let deployments = ResourceDefinition(
        resource: .init(group: "apps", version: "v1", resource: "deployments"), kind: "Deployment",
        singularName: "deployment", namespaced: true, shortNames: ["deploy"], categories: ["all"],
        subresources: ["status", "scale"], hasGeneration: true)

    /// `example.com/v1` `widgets`: the custom resource every KubeSim serves from the start.
    static let widgetsCRD = CustomResourceDefinition(
        group: "example.com", version: "v1", kind: "Widget", plural: "widgets", singular: "widget",
        namespaced: true, shortNames: ["wd"], selectableFields: ["spec.color"])

    static var builtins: [ResourceDefinition] {
        [namespaces, configMaps, secrets, pods, services, nodes, events, deployments, widgetsCRD.definition]
    }
}
