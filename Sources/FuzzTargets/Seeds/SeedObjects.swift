/// Real-shaped Kubernetes JSON for the seed corpora: objects as the API server writes them
/// (field order, managedFields, escapes), shared by the JSON, list, watch and cache targets.
enum SeedObjects {
    /// A Pod of a ReplicaSet, compact, in the API server's field order.
    static func pod(name: String = "web-7d9f8b6c5d-x2k4q", resourceVersion: String = "48213377", typeMeta: Bool = true) -> String {
        let head = typeMeta ? #"{"kind":"Pod","apiVersion":"v1","# : "{"
        return head + #"""
        "metadata":{"name":"\#(name)","generateName":"web-7d9f8b6c5d-","namespace":"shop",\#
        "uid":"5c7a1f3e-2b4d-4e8a-9f10-6a2b3c4d5e6f","resourceVersion":"\#(resourceVersion)",\#
        "creationTimestamp":"2025-03-14T09:26:53Z","labels":{"app.kubernetes.io/name":"web",\#
        "pod-template-hash":"7d9f8b6c5d","tier":"frontend"},"annotations":{"prometheus.io/scrape":"true"},\#
        "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d9f8b6c5d",\#
        "uid":"0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9","controller":true,"blockOwnerDeletion":true}],\#
        "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1",\#
        "time":"2025-03-14T09:26:53Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},\#
        "f:tier":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9\"}":{}}}}}]},\#
        "spec":{"containers":[{"name":"web","image":"registry.example.com/shop/web:1.42.3",\#
        "args":["--port=8080"],"ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],\#
        "resources":{"limits":{"cpu":"1","memory":"512Mi"},"requests":{"cpu":"250m","memory":"256Mi"}},\#
        "imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,\#
        "dnsPolicy":"ClusterFirst","serviceAccountName":"web","nodeName":"node-a-17","hostNetwork":false,\#
        "securityContext":{"runAsNonRoot":true},"schedulerName":"default-scheduler","priority":0},\#
        "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,\#
        "lastTransitionTime":"2025-03-14T09:27:02Z"}],"hostIP":"10.0.3.17","podIP":"10.244.7.23",\#
        "podIPs":[{"ip":"10.244.7.23"},{"ip":"fd00:10:244:7::17"}],"startTime":"2025-03-14T09:26:53Z",\#
        "containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2025-03-14T09:27:01Z"}},\#
        "ready":true,"restartCount":0,"started":true}],"qosClass":"Burstable"}}
        """#
    }

    /// A ConfigMap with escapes in its name, labels and data (`\"`, `\u00e9`, `\/`, a pair).
    static let configMap = #"""
    {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"caf\u00e9-settings","namespace":"kube-system",\#
    "uid":"11111111-2222-3333-4444-555555555555","resourceVersion":"907","creationTimestamp":"2024-01-02T03:04:05Z",\#
    "labels":{"quote\"key":"a\"b","path":"a\/b","emoji":"\ud83d\ude00"}},\#
    "data":{"nginx.conf":"server {\n  listen 80;\n}\n","empty":""}}
    """#

    /// A custom resource, pretty-printed, metadata last, with a deletion under way.
    static let cronTab = """
    {
      "apiVersion": "stable.example.com/v1",
      "kind": "CronTab",
      "spec": { "cronSpec": "* * * * */5", "image": "my-cron-image", "color": "blue", "replicas": 3 },
      "status": { "phase": "Active" },
      "metadata": {
        "name": "my-new-cron-object", "namespace": "default", "resourceVersion": "11",
        "deletionTimestamp": "2025-03-14T10:00:00Z", "finalizers": ["stable.example.com/cleanup"],
        "labels": { "app": "cron", "empty": null }
      }
    }
    """

    /// A cluster-scoped object without type meta (a LIST item of a built-in kind).
    static let namespace = #"""
    {"metadata":{"name":"kube-system","uid":"7a2c0e61-3b3f-4f1e-8c55-1d2c3b4a5f60","resourceVersion":"4",\#
    "creationTimestamp":"2024-01-01T00:00:00Z","labels":{"kubernetes.io/metadata.name":"kube-system"}},\#
    "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
    """#

    /// A Deployment with type meta and generation, labels before resourceVersion's place.
    static let deployment = #"""
    {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"coredns","namespace":"kube-system",\#
    "uid":"2f6b0d4e-1c3a-4b5d-9e8f-7a6b5c4d3e2f","generation":3,"labels":{"k8s-app":"kube-dns"}},\#
    "spec":{"replicas":2,"selector":{"matchLabels":{"k8s-app":"kube-dns"}}},"status":{"readyReplicas":2}}
    """#

    /// A `Status` as the API server writes it for a watch that fell behind.
    static let expired = #"""
    {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\#
    "message":"too old resource version: 1 (48213377)","reason":"Expired","code":410}
    """#

    /// Edge cases: minimal, null metadata, duplicates, odd whitespace, numbers, unicode.
    static let oddities = [
        "{}",
        #"{"metadata":null}"#,
        #"{"metadata":{"name":"a","resourceVersion":"1"}}"#,
        #"{"kind":"","apiVersion":null,"metadata":{"name":"a","resourceVersion":"18446744073709551615"}}"#,
        #"{"metadata":{"name":"a","labels":{"x":"1"}},"metadata":{"labels":{"y":"2"},"resourceVersion":"2"}}"#,
        #"{"metadata":{"name":"a","labels":{"x":"1"},"labels":null,"resourceVersion":"007"}}"#,
        " \t\r\n{ \"metadata\" : { \"name\" : \"spaced\" , \"resourceVersion\" : \"5\" } } \n",
        #"{"spec":{"nodeName":"n1"},"spec":{"nodeName":null},"status":{"phase":1.5e3,"podIP":true}}"#,
        #"{"m\u0065tadata":{"n\u0061me":"\u00e9\ud800x","resourceVersion":"12"},"kind":"\u004b"}"#,
        #"{"a":[[[[[[[[[[[[[[[[[[[[{"b":[-0.0e-0,1E+2,true,false,null]}]]]]]]]]]]]]]]]]]]]],"metadata":{}}"#,
    ]
}
