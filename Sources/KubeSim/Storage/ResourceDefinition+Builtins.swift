import KubeAPI

/// The built-in resources KubeSim serves, with the names, scope, subresources and delete
/// behaviour of the API server's registry for each (their field labels come from KubeAPI's
/// `SelectableFields`).
extension ResourceDefinition {
    static let namespaces = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "namespaces"), kind: "Namespace",
        singularName: "namespace", namespaced: false, shortNames: ["ns"],
        verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], subresources: ["status", "finalize"],
        deleteReturnsObject: true)

    static let configMaps = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "configmaps"), kind: "ConfigMap",
        singularName: "configmap", namespaced: true, shortNames: ["cm"])

    static let secrets = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "secrets"), kind: "Secret",
        singularName: "secret", namespaced: true)

    static let pods = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "pods"), kind: "Pod",
        singularName: "pod", namespaced: true, shortNames: ["po"], categories: ["all"],
        subresources: ["status", "log"], deleteReturnsObject: true)

    static let services = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "services"), kind: "Service",
        singularName: "service", namespaced: true, shortNames: ["svc"], categories: ["all"],
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], subresources: ["status"],
        deleteReturnsObject: true)

    static let nodes = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "nodes"), kind: "Node",
        singularName: "node", namespaced: false, shortNames: ["no"],
        subresources: ["status"])

    static let events = ResourceDefinition(
        resource: .init(group: "", version: "v1", resource: "events"), kind: "Event",
        singularName: "event", namespaced: true, shortNames: ["ev"])

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
