/// Pods, deployments and widgets for seeding and churn.
extension ObjectTemplates {
    /// A pod of about 2–4 KB: nine in ten are scheduled (`spec.nodeName` set), phases vary.
    static func pod(index: Int, namespace: String, nodes: Int) -> JSONObject {
        let scheduled = index % 10 != 9 && nodes > 0
        let phase = scheduled ? phases[index % phases.count] : "Pending"
        let app = "app-\(index % 5)"
        func env(_ name: String, _ value: String) -> JSONValue {
            .object(JSONObject([("name", .string(name)), ("value", .string(value))]))
        }
        let container = JSONObject([
            ("name", .string(app)),
            ("image", .string("registry.example.com/\(app):1.\(index % 20).\(index % 7)")),
            ("command", .array([.string("/bin/server"), .string("--port=8080"), .string("--log-level=info")])),
            ("ports", .array([.object(JSONObject([("name", .string("http")), ("containerPort", .number("8080")), ("protocol", .string("TCP"))]))])),
            ("env", .array([
                env("POD_INDEX", String(index)), env("NAMESPACE", namespace), env("FEATURE_FLAGS", "alpha,beta,gamma"),
                env("UPSTREAM_URL", "http://backend.\(namespace).svc.cluster.local:8080"),
            ])),
            ("resources", .object(JSONObject([
                ("limits", .object(JSONObject([("cpu", .string("500m")), ("memory", .string("256Mi"))]))),
                ("requests", .object(JSONObject([("cpu", .string("100m")), ("memory", .string("128Mi"))]))),
            ]))),
            ("volumeMounts", .array([
                .object(JSONObject([("name", .string("config")), ("mountPath", .string("/etc/config"))])),
                .object(JSONObject([("name", .string("kube-api-access")), ("mountPath", .string("/var/run/secrets/kubernetes.io/serviceaccount")), ("readOnly", .bool(true))])),
            ])),
            ("livenessProbe", .object(JSONObject([
                ("httpGet", .object(JSONObject([("path", .string("/healthz")), ("port", .number("8080")), ("scheme", .string("HTTP"))]))),
                ("periodSeconds", .number("10")), ("timeoutSeconds", .number("1")), ("failureThreshold", .number("3")),
            ]))),
            ("terminationMessagePath", .string("/dev/termination-log")),
            ("terminationMessagePolicy", .string("File")),
            ("imagePullPolicy", .string("IfNotPresent")),
        ])
        var spec = JSONObject([
            ("volumes", .array([
                .object(JSONObject([("name", .string("config")), ("configMap", .object(JSONObject([("name", .string("cm-\(index)")), ("defaultMode", .number("420"))])))])),
                .object(JSONObject([("name", .string("kube-api-access")), ("projected", .object(JSONObject([("defaultMode", .number("420")), ("sources", .array([
                    .object(JSONObject([("serviceAccountToken", .object(JSONObject([("expirationSeconds", .number("3607")), ("path", .string("token"))])))])),
                ]))])))])),
            ])),
            ("containers", .array([.object(container)])),
            ("restartPolicy", .string("Always")),
            ("terminationGracePeriodSeconds", .number("30")),
            ("dnsPolicy", .string("ClusterFirst")),
            ("serviceAccountName", .string("default")),
            ("serviceAccount", .string("default")),
            ("securityContext", .object(JSONObject())),
            ("schedulerName", .string("default-scheduler")),
            ("tolerations", .array([
                .object(JSONObject([("key", .string("node.kubernetes.io/not-ready")), ("operator", .string("Exists")), ("effect", .string("NoExecute")), ("tolerationSeconds", .number("300"))])),
            ])),
            ("priority", .number("0")),
            ("enableServiceLinks", .bool(true)),
        ])
        if scheduled { spec["nodeName"] = .string("node-\(index % nodes)") }
        var status = JSONObject([("phase", .string(phase)), ("qosClass", .string("Burstable"))])
        if scheduled {
            let ip = "10.244.\(index % nodes).\(index % 250 + 2)"
            status["conditions"] = .array(["Initialized", "Ready", "ContainersReady", "PodScheduled"].map { type in
                .object(JSONObject([("type", .string(type)), ("status", .string(phase == "Running" ? "True" : "False")), ("lastProbeTime", .null), ("lastTransitionTime", .string("2024-01-01T00:00:00Z"))]))
            })
            status["hostIP"] = .string("192.168.0.\(index % nodes + 10)")
            status["podIP"] = .string(ip)
            status["podIPs"] = .array([.object(JSONObject([("ip", .string(ip))]))])
            status["startTime"] = .string("2024-01-01T00:00:00Z")
            status["containerStatuses"] = .array([.object(JSONObject([
                ("name", .string(app)), ("ready", .bool(phase == "Running")), ("restartCount", .number(String(index % 3))),
                ("image", container["image"]!), ("imageID", .string("registry.example.com/\(app)@sha256:\(payload(index: index, bytes: 64))")),
                ("containerID", .string("containerd://\(payload(index: index + 1, bytes: 64))")), ("started", .bool(phase == "Running")),
                ("state", .object(JSONObject([("running", .object(JSONObject([("startedAt", .string("2024-01-01T00:00:05Z"))])))]))),
            ]))])
        } else {
            status["conditions"] = .array([.object(JSONObject([
                ("type", .string("PodScheduled")), ("status", .string("False")), ("reason", .string("Unschedulable")),
                ("message", .string("0/\(nodes) nodes are available: insufficient cpu.")),
            ]))])
        }
        return JSONObject([
            ("metadata", .object(JSONObject([
                ("name", .string("pod-\(index)")), ("labels", labels(index)),
                ("annotations", .object(JSONObject([("kubesim.example.com/seeded", .string("true"))]))),
                ("ownerReferences", .array([.object(JSONObject([
                    ("apiVersion", .string("apps/v1")), ("kind", .string("ReplicaSet")),
                    ("name", .string("\(app)-\(payload(index: index % 5, bytes: 10))")),
                    ("uid", .string("00000000-0000-4000-8000-\(String(100_000_000_000 + index % 5))")),
                    ("controller", .bool(true)), ("blockOwnerDeletion", .bool(true)),
                ]))])),
            ]))),
            ("spec", .object(spec)),
            ("status", .object(status)),
        ])
    }

    static func deployment(index: Int) -> JSONObject {
        let selector = JSONObject([("app", .string("deploy-\(index)"))])
        return JSONObject([
            ("metadata", metadata(name: "deploy-\(index)", index: index)),
            ("spec", .object(JSONObject([
                ("replicas", .number(String(index % 3 + 1))),
                ("selector", .object(JSONObject([("matchLabels", .object(selector))]))),
                ("template", .object(JSONObject([
                    ("metadata", .object(JSONObject([("labels", .object(selector))]))),
                    ("spec", .object(JSONObject([("containers", .array([.object(JSONObject([
                        ("name", .string("main")), ("image", .string("registry.example.com/app:\(index % 10)")),
                    ]))]))]))),
                ]))),
            ]))),
        ])
    }

    static func widget(index: Int) -> JSONObject {
        JSONObject([
            ("apiVersion", .string("example.com/v1")), ("kind", .string("Widget")),
            ("metadata", metadata(name: "widget-\(index)", index: index)),
            ("spec", .object(JSONObject([("color", .string(["red", "green", "blue"][index % 3])), ("size", .number(String(index % 10)))]))),
        ])
    }
}
