import KubeAPI
import Testing

/// An object's selectable fields for matching tests: absent keys are absent fields.
typealias FieldValues = [String: String]

private let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
private let nodes = GroupVersionResource(group: "", version: "v1", resource: "nodes")
private let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
private let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
private let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")
private let services = GroupVersionResource(group: "", version: "v1", resource: "services")
private let coreEvents = GroupVersionResource(group: "", version: "v1", resource: "events")
private let events = GroupVersionResource(group: "events.k8s.io", version: "v1", resource: "events")
private let jobs = GroupVersionResource(group: "batch", version: "v1", resource: "jobs")
private let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
private let replicaSets = GroupVersionResource(group: "apps", version: "v1", resource: "replicasets")
private let csrs = GroupVersionResource(group: "certificates.k8s.io", version: "v1", resource: "certificatesigningrequests")
private let widgets = GroupVersionResource(group: "example.com", version: "v1", resource: "widgets")

@Suite struct FieldSelectorTests {
    /// Input, canonical form, the terms as (field, op, value).
    static let validCases: [(String, String, [String])] = [
        ("", "", []),
        ("metadata.name=x", "metadata.name=x", ["metadata.name = x"]),
        ("metadata.name==x", "metadata.name=x", ["metadata.name == x"]),
        ("status.phase!=Running", "status.phase!=Running", ["status.phase != Running"]),
        ("b=1,a=2", "a=2,b=1", ["a = 2", "b = 1"]),
        ("spec.nodeName=", "spec.nodeName=", ["spec.nodeName = "]),
        ("a==", "a=", ["a == "]),
        ("a=b\\,c", "a=b\\,c", ["a = b,c"]),
        ("a=b\\=c", "a=b\\=c", ["a = b=c"]),
        ("a=b\\\\c", "a=b\\\\c", ["a = b\\c"]),
        ("a=\\,\\=\\\\", "a=\\,\\=\\\\", ["a = ,=\\"]),
        (",a=b,", "a=b", ["a = b"]),
        ("=", "", []),
        ("==,!=", "", []),
        ("=,a=b", "a=b", ["a = b"]),
        ("=b", "=b", [" = b"]),
        ("a!b=c", "a!b=c", ["a!b = c"]),
        ("metadata.name=a b", "metadata.name=a b", ["metadata.name = a b"]),
        (" a=b", " a=b", [" a = b"]),
        ("x.y=é", "x.y=é", ["x.y = é"]),
        ("z=1,a!=2,m==3", "a!=2,m=3,z=1", ["a != 2", "m == 3", "z = 1"]),
        ("a=b\\,,a=a", "a=a,a=b\\,", ["a = a", "a = b,"]),
    ]

    @Test(arguments: validCases)
    func parsesLikeApimachinery(_ input: String, _ canonical: String, _ terms: [String]) throws {
        let selector = try FieldSelector(parsing: input)
        #expect(selector.description == canonical)
        #expect(selector.requirements.map { "\($0.field) \($0.op.rawValue) \($0.value)" } == terms)
        #expect(selector.isEverything == terms.isEmpty)
        #expect(try FieldSelector(parsing: selector.description).description == canonical)
    }

    static let invalidCases: [(String, String)] = [
        ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
        (" ", "invalid selector: ' '; can't understand ' '"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("c,a=b", "invalid selector: 'c,a=b'; can't understand 'c'"),
        ("a=x,b", "invalid selector: 'a=x,b'; can't understand 'b'"),
        ("!a", "invalid selector: '!a'; can't understand '!a'"),
        ("a!b", "invalid selector: 'a!b'; can't understand 'a!b'"),
        ("a<1", "invalid selector: 'a<1'; can't understand 'a<1'"),
        ("a in (b)", "invalid selector: 'a in (b)'; can't understand 'a in (b)'"),
        ("a=b\\,c,d", "invalid selector: 'a=b\\,c,d'; can't understand 'd'"),
        ("a=b\\,c\\", "invalid field selector: invalid escape sequence: \\"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
        ("a=\\", "invalid field selector: invalid escape sequence: \\"),
        ("a=\\x", "invalid field selector: invalid escape sequence: \\x"),
        ("a=\\é", "invalid field selector: invalid escape sequence: \\é"),
        ("a=\\ ", "invalid field selector: invalid escape sequence: \\ "),
        ("b=1,a=\\q", "invalid field selector: invalid escape sequence: \\q"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a!=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a==b=", "invalid field selector: unescaped character in value: 61"),
        ("a!==b", "invalid field selector: unescaped character in value: 61"),
        ("a===b", "invalid field selector: unescaped character in value: 61"),
        ("a=x\\=y=z", "invalid field selector: unescaped character in value: 61"),
    ]

    @Test(arguments: invalidCases)
    func rejectsMalformedSelectorsWithApimachineryMessages(_ input: String, _ message: String) {
        let error = capture { try FieldSelector(parsing: input) }
        #expect(error == badRequest(message))
        #expect(error?.code == 400)
        #expect(error?.reason == .badRequest)
    }

    /// Selector, object fields, whether it matches.
    static let matchingCases: [(String, FieldValues, Bool)] = [
        ("spec.nodeName=", [:], true),
        ("spec.nodeName=", ["spec.nodeName": ""], true),
        ("spec.nodeName=", ["spec.nodeName": "node-1"], false),
        ("spec.nodeName!=", ["spec.nodeName": "node-1"], true),
        ("spec.nodeName!=", [:], false),
        ("spec.nodeName=node-1", ["spec.nodeName": "node-1"], true),
        ("spec.nodeName==node-1", ["spec.nodeName": "node-2"], false),
        ("status.phase!=Running,status.phase!=Succeeded", ["status.phase": "Pending"], true),
        ("status.phase!=Running,status.phase!=Succeeded", ["status.phase": "Succeeded"], false),
        ("status.phase!=Running", [:], true),
        ("metadata.name=a,metadata.namespace=b", ["metadata.name": "a", "metadata.namespace": "b"], true),
        ("metadata.name=a,metadata.namespace=b", ["metadata.name": "a", "metadata.namespace": "c"], false),
        ("metadata.name=a\\,b", ["metadata.name": "a,b"], true),
        ("", ["anything": "x"], true),
        // Bytes, as Go compares them: canonically equivalent spellings are different values.
        ("reason=caf\u{e9}", ["reason": "cafe\u{301}"], false),
        ("reason!=caf\u{e9}", ["reason": "cafe\u{301}"], true),
        ("reason=cafe\u{301}", ["reason": "cafe\u{301}"], true),
    ]

    @Test(arguments: matchingCases)
    func matchesWithAbsentFieldsReadingAsEmpty(_ input: String, _ fields: FieldValues, _ expected: Bool) throws {
        let selector = try FieldSelector(parsing: input)
        #expect(selector.matches { fields[$0] } == expected)
    }

    @Test func exactValueFollowsRequiresExactMatch() throws {
        let selector = try FieldSelector(parsing: "metadata.name!=z,metadata.name==b,metadata.name=a,spec.x=1")
        // Raw terms sort by bytes ('!' < '=' < 'a'): metadata.name!=z, metadata.name==b,
        // metadata.name=a, spec.x=1; the first equality term wins.
        #expect(selector.requirements.map(\.value) == ["z", "b", "a", "1"])
        #expect(selector.exactValue(of: "metadata.name") == "b")
        #expect(selector.exactValue(of: "spec.x") == "1")
        #expect(try FieldSelector(parsing: "metadata.name!=a").exactValue(of: "metadata.name") == nil)
        #expect(selector.exactValue(of: "metadata.namespace") == nil)
        #expect(selector.fields == ["metadata.name", "spec.x"])
    }

    /// Resource, selector, custom fields (nil for built-ins), expected canonical form after
    /// validation.
    static let supportedCases: [(GroupVersionResource, String, [String]?, String)] = [
        (pods, "spec.host=node-1", nil, "spec.nodeName=node-1"),
        (pods, "spec.nodeName=,status.phase!=Failed,status.podIP=1.2.3.4", nil,
         "spec.nodeName=,status.phase!=Failed,status.podIP=1.2.3.4"),
        (pods, "spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa,spec.hostNetwork=true", nil,
         "spec.hostNetwork=true,spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa"),
        (pods, "status.podIPs=x,status.nominatedNodeName=n,metadata.namespace=ns,metadata.name=p", nil,
         "metadata.name=p,metadata.namespace=ns,status.nominatedNodeName=n,status.podIPs=x"),
        (nodes, "spec.unschedulable=false,metadata.name=n", nil, "metadata.name=n,spec.unschedulable=false"),
        (namespaces, "status.phase=Active", nil, "status.phase=Active"),
        (secrets, "type=kubernetes.io/tls", nil, "type=kubernetes.io/tls"),
        (services, "spec.type=ClusterIP,spec.clusterIP=None", nil, "spec.clusterIP=None,spec.type=ClusterIP"),
        (coreEvents, "involvedObject.kind=Pod,involvedObject.name=p,reason=Failed,source=kubelet,type=Warning", nil,
         "involvedObject.kind=Pod,involvedObject.name=p,reason=Failed,source=kubelet,type=Warning"),
        (events, "regarding.kind=Pod,reportingController=kubelet", nil, "regarding.kind=Pod,reportingController=kubelet"),
        (jobs, "status.successful=1", nil, "status.successful=1"),
        (csrs, "spec.signerName=kubernetes.io/kubelet-serving", nil, "spec.signerName=kubernetes.io/kubelet-serving"),
        (configMaps, "metadata.name=a,metadata.namespace=b", nil, "metadata.name=a,metadata.namespace=b"),
        (deployments, "metadata.namespace=b", nil, "metadata.namespace=b"),
        (widgets, "spec.color=red,metadata.namespace=x", [".spec.color"], "metadata.namespace=x,spec.color=red"),
        (widgets, "spec.size=3", ["spec.size"], "spec.size=3"),
        (widgets, "metadata.name=x", nil, "metadata.name=x"),
    ]

    @Test(arguments: supportedCases)
    func validationRewritesAliasesAndKeepsSupportedFields(
        _ resource: GroupVersionResource, _ input: String, _ customFields: [String]?, _ expected: String
    ) throws {
        let selector = try FieldSelector(parsing: input).validated(for: resource, customFields: customFields)
        #expect(selector.description == expected)
    }

    /// Resource, selector, custom fields, whether the custom resource is namespaced, message.
    static let unsupportedCases: [(GroupVersionResource, String, [String]?, Bool, String)] = [
        (pods, "spec.foo=x", nil, true, "field label not supported: spec.foo"),
        (pods, "z=1,a=1", nil, true, "field label not supported: a"),
        (pods, "metadata.name =x", nil, true, "field label not supported: metadata.name "),
        (pods, "=x", nil, true, "field label not supported: "),
        (nodes, "metadata.namespace=x", nil, true, "field label not supported: metadata.namespace"),
        (namespaces, "metadata.namespace=x", nil, true, "field label not supported: metadata.namespace"),
        (csrs, "metadata.namespace=", nil, true, "field label not supported: metadata.namespace"),
        (coreEvents, "regarding.kind=Pod", nil, true, "field label not supported: regarding.kind"),
        (events, "involvedObject.kind=Pod", nil, true, "field label not supported: involvedObject.kind"),
        (secrets, "data.key=x", nil, true, "field label not supported: data.key"),
        (jobs, "status.active=1", nil, true, "field label \"status.active\" not supported for batchv1.Job"),
        (configMaps, "data.x=1", nil, true,
         "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
        (configMaps, "=x", nil, true, "\"\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
        (deployments, "status.replicas=1", nil, true,
         "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
        (replicaSets, "status.replicas=1", nil, true,
         "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
        (widgets, "spec.color=red", nil, true,
         "\"spec.color\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
        (widgets, "spec.size=1", ["spec.color"], true, "field label not supported: spec.size"),
        (widgets, "metadata.namespace=x", ["spec.color"], false, "field label not supported: metadata.namespace"),
        (pods, "spec.nodename=x", nil, true, "field label not supported: spec.nodename"),
        (pods, "spec.host.name=x", nil, true, "field label not supported: spec.host.name"),
    ]

    @Test(arguments: unsupportedCases)
    func validationRejectsUnsupportedFieldsAsTheAPIServer(
        _ resource: GroupVersionResource, _ input: String, _ customFields: [String]?, _ namespaced: Bool, _ message: String
    ) throws {
        let selector = try FieldSelector(parsing: input)
        let error = capture { try selector.validated(for: resource, customFields: customFields, namespaced: namespaced) }
        #expect(error == badRequest(message))
    }

    @Test func escapeIsTheInverseOfParsing() throws {
        for value in ["plain", "a,b", "a=b", "a\\b", "\\,=", ""] {
            let selector = try FieldSelector(parsing: "f=" + FieldSelector.escape(value))
            #expect(selector.requirements == [.init(field: "f", op: .equals, value: value)])
        }
    }
}

@Suite struct SelectableFieldsTests {
    @Test func knownKindsListTheirExtraFields() {
        #expect(SelectableFields.fields(for: pods)?.contains("spec.nodeName") == true)
        #expect(SelectableFields.fields(for: pods)?.contains("spec.host") == false)
        #expect(SelectableFields.fields(for: nodes) == ["spec.unschedulable"])
        #expect(SelectableFields.fields(for: secrets) == ["type"])
        #expect(SelectableFields.fields(for: jobs) == ["status.successful"])
        #expect(SelectableFields.fields(for: configMaps) == [])
        #expect(SelectableFields.fields(for: replicaSets) == [])
        #expect(SelectableFields.fields(for: widgets) == nil)
    }

    @Test func aliasesAndNamespaceSupport() {
        #expect(SelectableFields.aliases(for: pods) == ["spec.host": "spec.nodeName"])
        #expect(SelectableFields.aliases(for: nodes) == [:])
        #expect(!SelectableFields.acceptsNamespace(for: nodes))
        #expect(!SelectableFields.acceptsNamespace(for: namespaces))
        #expect(SelectableFields.acceptsNamespace(for: pods))
        #expect(SelectableFields.acceptsNamespace(for: configMaps))
    }

    @Test func valueSourcesSayWhereValuesLiveAndWhatAbsentReadsAs() {
        typealias Source = SelectableFields.ValueSource
        #expect(SelectableFields.valueSource(of: "spec.unschedulable", for: nodes)
            == Source(paths: [["spec", "unschedulable"]], absentValue: "false"))
        #expect(SelectableFields.valueSource(of: "spec.hostNetwork", for: pods)
            == Source(paths: [["spec", "hostNetwork"]], absentValue: "false"))
        #expect(SelectableFields.valueSource(of: "status.podIPs", for: pods) == Source(paths: []))
        #expect(SelectableFields.valueSource(of: "status.successful", for: jobs)
            == Source(paths: [["status", "succeeded"]], absentValue: "0"))
        #expect(SelectableFields.valueSource(of: "source", for: coreEvents)
            == Source(paths: [["source", "component"], ["reportingComponent"]]))
        #expect(SelectableFields.valueSource(of: "spec.nodeName", for: pods) == Source(paths: [["spec", "nodeName"]]))
        #expect(SelectableFields.valueSource(of: "metadata.name", for: widgets) == Source(paths: [["metadata", "name"]]))
    }
}
