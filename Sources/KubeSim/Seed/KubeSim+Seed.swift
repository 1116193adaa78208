import KubeAPI

extension KubeSim {
    /// Creates the objects of `plan` through the store (each a normal create with its own
    /// resourceVersion and ADDED event), keeping the seeded status of pods and deployments as
    /// if controllers had written it. Existing objects with the same names are left alone.
    public func seed(_ plan: SeedPlan) throws {
        let keep = WriteOptions(dryRun: false, preserveStatus: true, subresource: nil)
        func createIfAbsent(_ definition: ResourceDefinition, namespace: String?, _ object: JSONObject) throws {
            do {
                _ = try store.create(definition.resource, namespace: namespace, object: object, options: keep)
            } catch where error.reason == .alreadyExists {
                return
            }
        }
        for index in 0..<plan.nodes {
            try createIfAbsent(.nodes, namespace: nil, ObjectTemplates.node(index))
        }
        let widgets = ResourceDefinition.widgetsCRD.definition
        for namespaceIndex in 0..<plan.namespaces {
            let namespace = "\(plan.namespacePrefix)\(namespaceIndex)"
            try createIfAbsent(.namespaces, namespace: nil, ObjectTemplates.namespace(namespace))
            for index in 0..<plan.configMapsPerNamespace {
                try createIfAbsent(.configMaps, namespace: namespace, ObjectTemplates.configMap(index: index, dataBytes: plan.configMapDataBytes))
            }
            for index in 0..<plan.podsPerNamespace {
                try createIfAbsent(.pods, namespace: namespace, ObjectTemplates.pod(index: index, namespace: namespace, nodes: plan.nodes))
            }
            for index in 0..<plan.deploymentsPerNamespace {
                try createIfAbsent(.deployments, namespace: namespace, ObjectTemplates.deployment(index: index))
            }
            for index in 0..<plan.widgetsPerNamespace {
                try createIfAbsent(widgets, namespace: namespace, ObjectTemplates.widget(index: index))
            }
        }
    }
}
