/// Which fields a field selector may name for each kind, and where their values live, as the
/// API server has them.
///
/// Two upstream lists are transcribed here: the field label conversion funcs registered per
/// kind (`pkg/apis/<group>/<version>/conversion.go`: what a selector may name, the aliases, and
/// the error text for anything else), and each kind's `ToSelectableFields`
/// (`pkg/registry/.../strategy.go`: what value a field reads as). A kind without a conversion
/// func (configmaps, every `apps` kind, ...) accepts `metadata.name` and `metadata.namespace`
/// only, with the message `"x" is not a known field selector: only "metadata.name",
/// "metadata.namespace"`. Cluster-scoped kinds with a func (nodes, namespaces,
/// certificatesigningrequests) do not accept `metadata.namespace`. Versions do not matter:
/// entries are keyed by group and resource.
///
/// Static data; safe from any thread.
public enum SelectableFields {
    /// Where a field's value is read from in an object's JSON, and what it reads as when the
    /// object lacks it.
    public struct ValueSource: Hashable, Sendable {
        /// JSON object keys from the root, tried in order; the first present, non-empty value
        /// wins (core events' `source` is `source.component`, else `reportingComponent`).
        /// Empty when the API server never sets the field (pods' `status.podIPs`): it always
        /// reads as `absentValue`. Scalars are rendered as text (`true`, `3`).
        public var paths: [[String]]
        /// The text the API server compares when the field is absent: `""` for strings,
        /// `"false"` for booleans, `"0"` for counts (its typed structs have zero values).
        public var absentValue: String

        public init(paths: [[String]], absentValue: String = "") {
            self.paths = paths
            self.absentValue = absentValue
        }
    }

    /// One kind's field label conversion.
    struct Rule {
        var fields: [String]
        var namespaceSelectable = true
        var aliases: [String: String] = [:]
        var sources: [String: ValueSource] = [:]
        var rejection: @Sendable (String) -> String = { "field label not supported: \($0)" }
    }

    /// The field paths a field selector may use for `resource` besides `metadata.name` and
    /// `metadata.namespace`: empty for a built-in kind without extra fields, nil for a kind
    /// kcache does not know (for which, too, only `metadata.*` is accepted).
    public static func fields(for resource: GroupVersionResource) -> [String]? {
        if let rule = rule(for: resource) { return rule.fields }
        return metadataOnlyResources.contains(Key(resource)) ? [] : nil
    }

    /// Field labels the API server rewrites before matching: pods' `spec.host` is
    /// `spec.nodeName`.
    public static func aliases(for resource: GroupVersionResource) -> [String: String] {
        rule(for: resource)?.aliases ?? [:]
    }

    /// Whether `metadata.namespace` may be selected on: false for the cluster-scoped kinds whose
    /// conversion omits it (nodes, namespaces, certificatesigningrequests, ...).
    public static func acceptsNamespace(for resource: GroupVersionResource) -> Bool {
        rule(for: resource)?.namespaceSelectable ?? true
    }

    /// Where `field` (a label as validated, after aliases) is read from in `resource`'s objects.
    /// Defaults to the field's own dotted path, absent reading as `""`.
    public static func valueSource(of field: String, for resource: GroupVersionResource) -> ValueSource {
        if let source = rule(for: resource)?.sources[field] { return source }
        return ValueSource(paths: [field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)])
    }

    static func rule(for resource: GroupVersionResource) -> Rule? {
        rules[Key(resource)]
    }

    /// A kind's table key: group and plural resource (versions share their rules).
    struct Key: Hashable {
        var group: String
        var resource: String

        init(_ group: String, _ resource: String) {
            self.group = group
            self.resource = resource
        }

        init(_ resource: GroupVersionResource) {
            self.init(resource.group, resource.resource)
        }
    }

    private static func path(_ dotted: String) -> [String] {
        dotted.split(separator: ".").map(String.init)
    }

    private static let rules: [Key: Rule] = [
        // pkg/apis/core/v1/conversion.go + pkg/registry/core/pod/strategy.go
        Key("", "pods"): Rule(
            fields: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                     "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
            aliases: ["spec.host": "spec.nodeName"],
            sources: ["spec.hostNetwork": ValueSource(paths: [path("spec.hostNetwork")], absentValue: "false"),
                      "status.podIPs": ValueSource(paths: [])]),
        Key("", "nodes"): Rule(
            fields: ["spec.unschedulable"], namespaceSelectable: false,
            sources: ["spec.unschedulable": ValueSource(paths: [path("spec.unschedulable")], absentValue: "false")]),
        Key("", "replicationcontrollers"): Rule(
            fields: ["status.replicas"],
            sources: ["status.replicas": ValueSource(paths: [path("status.replicas")], absentValue: "0")]),
        Key("", "events"): Rule(
            fields: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type"],
            sources: ["source": ValueSource(paths: [path("source.component"), path("reportingComponent")])]),
        Key("", "namespaces"): Rule(fields: ["status.phase"], namespaceSelectable: false),
        Key("", "secrets"): Rule(fields: ["type"]),
        Key("", "services"): Rule(fields: ["spec.clusterIP", "spec.type"]),
        // pkg/apis/events/v1/conversion.go maps these to the core names for its internal
        // objects; the JSON of events.k8s.io objects carries them as spelled, so no alias here.
        Key("events.k8s.io", "events"): Rule(
            fields: ["reason", "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
                     "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath",
                     "reportingController", "source", "type"],
            sources: ["source": ValueSource(paths: [path("deprecatedSource.component"), path("reportingController")])]),
        // pkg/apis/batch/v1/conversion.go + pkg/registry/batch/job/strategy.go
        Key("batch", "jobs"): Rule(
            fields: ["status.successful"],
            sources: ["status.successful": ValueSource(paths: [path("status.succeeded")], absentValue: "0")],
            rejection: { "field label \(GoText.quote($0)) not supported for batchv1.Job" }),
        // pkg/apis/certificates/v1 and v1beta1 conversion.go
        Key("certificates.k8s.io", "certificatesigningrequests"): Rule(fields: ["spec.signerName"], namespaceSelectable: false),
        Key("certificates.k8s.io", "clustertrustbundles"): Rule(fields: ["spec.signerName"], namespaceSelectable: false),
        Key("certificates.k8s.io", "podcertificaterequests"): Rule(
            fields: ["spec.signerName", "spec.podName", "spec.nodeName"], namespaceSelectable: false),
    ]

    /// Built-in kinds known to have no field label conversion func: `metadata.*` only.
    private static let metadataOnlyResources: Set<Key> = {
        let byGroup: [String: [String]] = [
            "": ["bindings", "componentstatuses", "configmaps", "endpoints", "limitranges", "persistentvolumeclaims",
                 "persistentvolumes", "podtemplates", "resourcequotas", "serviceaccounts"],
            "apps": ["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"],
            "batch": ["cronjobs"],
            "autoscaling": ["horizontalpodautoscalers"],
            "coordination.k8s.io": ["leases"],
            "discovery.k8s.io": ["endpointslices"],
            "networking.k8s.io": ["ingressclasses", "ingresses", "networkpolicies", "ipaddresses", "servicecidrs"],
            "policy": ["poddisruptionbudgets"],
            "rbac.authorization.k8s.io": ["clusterrolebindings", "clusterroles", "rolebindings", "roles"],
            "scheduling.k8s.io": ["priorityclasses"],
            "storage.k8s.io": ["csidrivers", "csinodes", "csistoragecapacities", "storageclasses", "volumeattachments"],
            "node.k8s.io": ["runtimeclasses"],
            "apiextensions.k8s.io": ["customresourcedefinitions"],
            "apiregistration.k8s.io": ["apiservices"],
            "admissionregistration.k8s.io": ["mutatingwebhookconfigurations", "validatingwebhookconfigurations",
                                             "validatingadmissionpolicies", "validatingadmissionpolicybindings"],
            "flowcontrol.apiserver.k8s.io": ["flowschemas", "prioritylevelconfigurations"],
        ]
        return Set(byGroup.flatMap { group, resources in resources.map { Key(group, $0) } })
    }()
}
