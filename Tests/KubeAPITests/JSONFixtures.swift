/// Real-shaped Kubernetes JSON for the byte-level reader tests: a ~4 KB Pod as the API server
/// writes it (managedFields, ownerReferences, conditions, container statuses), ConfigMaps,
/// and LIST bodies of built-in kinds (items without kind/apiVersion) and of custom resources.
enum JSONFixtures {
    /// A Pod of a ReplicaSet, compact, in the API server's field order.
    static func pod(
        name: String = "web-7d9f8b6c5d-x2k4q", namespace: String = "shop", resourceVersion: UInt64 = 48_213_377,
        nodeName: String = "node-a-17", phase: String = "Running", withTypeMeta: Bool = true
    ) -> String {
        let typeMeta = withTypeMeta ? #""kind":"Pod","apiVersion":"v1","# : ""
        return """
        {\(typeMeta)"metadata":{"name":"\(name)","generateName":"web-7d9f8b6c5d-","namespace":"\(namespace)",\
        "uid":"5c7a1f3e-2b4d-4e8a-9f10-6a2b3c4d5e6f","resourceVersion":"\(resourceVersion)",\
        "creationTimestamp":"2025-03-14T09:26:53Z","labels":{"app.kubernetes.io/name":"web",\
        "app.kubernetes.io/part-of":"shop","pod-template-hash":"7d9f8b6c5d","tier":"frontend"},\
        "annotations":{"kubectl.kubernetes.io/restartedAt":"2025-03-14T09:20:00Z",\
        "prometheus.io/scrape":"true","prometheus.io/port":"9102"},"ownerReferences":[{"apiVersion":"apps/v1",\
        "kind":"ReplicaSet","name":"web-7d9f8b6c5d","uid":"0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9",\
        "controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kube-controller-manager",\
        "operation":"Update","apiVersion":"v1","time":"2025-03-14T09:26:53Z","fieldsType":"FieldsV1",\
        "fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app.kubernetes.io/name":{},\
        "f:pod-template-hash":{},"f:tier":{}},"f:ownerReferences":{".":{},\
        "k:{\\"uid\\":\\"0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9\\"}":{}}},"f:spec":{"f:containers":\
        {"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{}}}}}},{"manager":"kubelet",\
        "operation":"Update","apiVersion":"v1","time":"2025-03-14T09:27:02Z","fieldsType":"FieldsV1",\
        "fieldsV1":{"f:status":{"f:conditions":{},"f:containerStatuses":{},"f:podIP":{},"f:phase":{}}},\
        "subresource":"status"}]},"spec":{"volumes":[{"name":"kube-api-access-9xk2p","projected":{"sources":\
        [{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt",\
        "items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":\
        {"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"web",\
        "image":"registry.example.com/shop/web:1.42.3","args":["--port=8080","--log-level=info"],"ports":\
        [{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9102,\
        "protocol":"TCP"}],"env":[{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":\
        "status.podIP"}}},{"name":"GOMAXPROCS","value":"2"}],"resources":{"limits":{"cpu":"1","memory":"512Mi"},\
        "requests":{"cpu":"250m","memory":"256Mi"}},"volumeMounts":[{"name":"kube-api-access-9xk2p","readOnly":true,\
        "mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"livenessProbe":{"httpGet":{"path":"/healthz",\
        "port":8080,"scheme":"HTTP"},"initialDelaySeconds":10,"timeoutSeconds":1,"periodSeconds":10,\
        "successThreshold":1,"failureThreshold":3},"terminationMessagePath":"/dev/termination-log",\
        "terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always",\
        "terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"web",\
        "serviceAccount":"web","nodeName":"\(nodeName)","securityContext":{"runAsNonRoot":true},\
        "schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready",\
        "operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable",\
        "operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,\
        "preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"\(phase)","conditions":[{"type":"Initialized",\
        "status":"True","lastProbeTime":null,"lastTransitionTime":"2025-03-14T09:26:53Z"},{"type":"Ready",\
        "status":"True","lastProbeTime":null,"lastTransitionTime":"2025-03-14T09:27:02Z"},{"type":"ContainersReady",\
        "status":"True","lastProbeTime":null,"lastTransitionTime":"2025-03-14T09:27:02Z"},{"type":"PodScheduled",\
        "status":"True","lastProbeTime":null,"lastTransitionTime":"2025-03-14T09:26:53Z"}],"hostIP":"10.0.3.17",\
        "hostIPs":[{"ip":"10.0.3.17"}],"podIP":"10.244.7.23","podIPs":[{"ip":"10.244.7.23"},{"ip":"fd00:10:244:7::17"}],\
        "startTime":"2025-03-14T09:26:53Z","containerStatuses":[{"name":"web","state":{"running":\
        {"startedAt":"2025-03-14T09:27:01Z"}},"lastState":{},"ready":true,"restartCount":0,\
        "image":"registry.example.com/shop/web:1.42.3","imageID":"registry.example.com/shop/web@sha256:\
        9b2f8c1d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c","containerID":\
        "containerd://4f3e2d1c0b9a8f7e6d5c4b3a29180706f5e4d3c2b1a09f8e7d6c5b4a3928170","started":true}],\
        "qosClass":"Burstable"}}
        """
    }

    /// A ConfigMap with escapes in its name, labels and data (`\"`, `\u00e9`, `\/`).
    static let configMap = #"""
    {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"caf\u00e9-settings","namespace":"kube-system",\#
    "uid":"11111111-2222-3333-4444-555555555555","resourceVersion":"907","creationTimestamp":"2024-01-02T03:04:05Z",\#
    "labels":{"quote\"key":"a\"b","path":"a\/b","unicode":"\u00e9t\u00e9"}},\#
    "data":{"nginx.conf":"server {\n  listen 80;\n}\n","empty":""}}
    """#

    /// A PodList as the API server answers a paged LIST: items without kind/apiVersion.
    static func podList(count: Int, resourceVersion: UInt64 = 48_213_400, continueToken: String? = "eyJ2IjoibWV0YSJ9",
                        remaining: Int? = 1200) -> String {
        var metadata = #""resourceVersion":"\#(resourceVersion)""#
        if let continueToken { metadata += #","continue":"\#(continueToken)""# }
        if let remaining { metadata += #","remainingItemCount":\#(remaining)"# }
        let items = (0..<count).map { index in
            pod(name: "web-\(index)", resourceVersion: 48_000_000 + UInt64(index), withTypeMeta: false)
        }
        return #"{"kind":"PodList","apiVersion":"v1","metadata":{\#(metadata)},"items":[\#(items.joined(separator: ","))]}"#
    }

    /// A custom-resource list, pretty-printed with metadata after items; items carry kind/apiVersion.
    static let crdList = """
    {
      "apiVersion": "stable.example.com/v1",
      "items": [
        {
          "apiVersion": "stable.example.com/v1",
          "kind": "CronTab",
          "spec": { "cronSpec": "* * * * */5", "image": "my-cron-image" },
          "metadata": { "name": "first", "namespace": "default", "resourceVersion": "11" }
        } ,
        {"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"second","namespace":"default","resourceVersion":"12"}}
      ],
      "kind": "CronTabList",
      "metadata": { "continue": "", "resourceVersion": "12" }
    }
    """

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
