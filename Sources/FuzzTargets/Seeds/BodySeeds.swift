/// Seed inputs for the body targets: objects, LIST pages, Status bodies and watch streams as
/// the API server sends them, built from `SeedObjects`.
enum BodySeeds {
    static var objects: [String] {
        [SeedObjects.pod(), SeedObjects.pod(typeMeta: false), SeedObjects.configMap, SeedObjects.cronTab,
         SeedObjects.namespace, SeedObjects.deployment] + SeedObjects.oddities + invalidObjects
    }

    /// Bodies every reader must refuse: not an object, wrong types, not JSON, cut short.
    static let invalidObjects = [
        "[]",
        #"{"metadata":[]}"#,
        #"{"metadata":{"name":5}}"#,
        #"{"metadata":{"labels":{"a":1}}}"#,
        #"{"a":1,}"#,
        "{\"a\":\"\u{1}\"}",
        #"{"a":"\x"}"#,
        String(SeedObjects.pod().prefix(700)),
    ]

    static var lists: [String] {
        let pods = [SeedObjects.pod(name: "web-1", resourceVersion: "100", typeMeta: false),
                    SeedObjects.pod(name: "web-2", resourceVersion: "101", typeMeta: false)]
        return [
            #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"48213400","continue":"eyJ2IjoibWV0YSJ9","remainingItemCount":1200},"items":["#
                + pods.joined(separator: ",") + "]}",
            """
            {
              "apiVersion": "stable.example.com/v1",
              "items": [ \(SeedObjects.cronTab) ,
                {"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"second","namespace":"default","resourceVersion":"12"}}
              ],
              "kind": "CronTabList",
              "metadata": { "continue": "", "resourceVersion": "12" }
            }
            """,
            #"{"kind":"NamespaceList","apiVersion":"v1","metadata":{"resourceVersion":"4"},"items":["# + SeedObjects.namespace + "]}",
            #"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"907"},"items":null}"#,
            #"{"items":[],"metadata":{"remainingItemCount":-1,"resourceVersion":null},"items":[{}],"kind":null}"#,
            #"{"items":[1]}"#,
            #"{"metadata":{"remainingItemCount":1.0}}"#,
        ]
    }

    static let statuses = [
        SeedObjects.expired,
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web-1\" not found","reason":"NotFound","details":{"name":"web-1","kind":"pods"},"code":404}"#,
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"settings","kind":"configmaps","uid":"11111111-2222-3333-4444-555555555555"}}"#,
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \"x\" is invalid: spec.containers: Required value","reason":"Invalid","details":{"name":"x","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]},"code":422}"#,
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too many requests","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}"#,
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \"a\": the object has been modified","reason":"Conflict","details":{"name":"a","kind":"configmaps"},"code":409}"#,
        #"{"kind":"Pod","code":200}"#,
        #"{"code":1.5}"#,
        #"{"reason":"SomethingNew","details":{},"code":-3,"status":null}"#,
    ]

    static var watchStreams: [String] {
        let pod = SeedObjects.pod()
        return [
            #"{"type":"ADDED","object":"# + pod + "}\n",
            #"{"type":"MODIFIED","object":"# + SeedObjects.configMap + "}\n"
                + #"{"type":"DELETED","object":"# + SeedObjects.configMap + "}\r\n",
            #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"48213400","annotations":{"k8s.io/initial-events-end":"true"}},"spec":{"containers":null},"status":{}}}"# + "\n",
            #"{"type":"BOOKMARK","object":{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"resourceVersion":"12"}}}"# + "\n",
            #"{"type":"ERROR","object":"# + SeedObjects.expired + "}\n",
            #"{ "object" : "# + SeedObjects.cronTab + #" , "type" : "ADDED" , "extra" : [ ] }"# + "\n",
            #"{"type":"SYNC","object":{}}"# + "\n" + #"{"type":null,"object":{}}"# + "\n" + #"{"type":"ADDED"}"# + "\n",
            #"{"type":"ADDED","object":[]}"# + "\n\n" + #"{"type":"ADD\u0045D","object":{"metadata":{"name":"x","resourceVersion":"1"}}}"#,
        ]
    }

    static var cachedObjects: [String] {
        [SeedObjects.pod(typeMeta: false), SeedObjects.pod(), SeedObjects.cronTab, SeedObjects.namespace,
         " " + SeedObjects.namespace,
         #"{"kind":"","metadata":{"name":"a","namespace":"ns","resourceVersion":"3"},"spec":{"color":"red"}}"#,
         #"{"apiVersion":"v1","metadata":{"name":"a","resourceVersion":"3"}}"#,
         #"{"kind":null,"metadata":{"name":"a","resourceVersion":"3"}}"#,
         #"{"metadata":{"name":"a"}}"#,
         #"{"metadata":{"name":"","resourceVersion":"1"}}"#,
         "{ }"]
    }
}
