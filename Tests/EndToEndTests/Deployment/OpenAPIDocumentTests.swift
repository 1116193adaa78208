import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// openapi.yaml: a valid OpenAPI 3.1 document that documents exactly the query parameters kcache
/// honours, and whose every path answers as documented — status codes, content types,
/// required headers and required body fields — against a live kcache in front of KubeSim.
///
/// The document is read with PyYAML and validated with openapi-spec-validator; each test
/// prints why it skips when they are absent (`make test` installs both).
@Suite struct OpenAPIDocumentTests {
    static func prerequisites(_ test: String = #function) async -> Bool {
        if let problem = await PythonYAML.problem() {
            print("\(test): skipping, \(problem)")
            return false
        }
        return true
    }

    // MARK: The document

    @Test func documentIsValidOpenAPI31() async throws {
        guard await Self.prerequisites(), let python = ClientTools.python else { return }
        let probe = try await ProcessRunner.run(python, ["-c", "import openapi_spec_validator"])
        guard probe.status == 0 else {
            print("documentIsValidOpenAPI31: skipping, openapi-spec-validator is not installed (`make test` installs it)")
            return
        }
        let valid = try await ProcessRunner.run(python, ["-m", "openapi_spec_validator", "--schema", "3.1", Repository.path("openapi.yaml")])
        #expect(valid.status == 0, "openapi.yaml: \(valid.standardOutput) \(valid.standardError)")
        // The validator rejects what it should: the same document without its title.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = try Repository.text("openapi.yaml")
        #expect(text.contains("\n  title: kcache\n"))
        let broken = try directory.write("broken.yaml", text.replacingOccurrences(of: "\n  title: kcache\n", with: "\n"))
        let invalid = try await ProcessRunner.run(python, ["-m", "openapi_spec_validator", "--schema", "3.1", broken])
        #expect(invalid.status != 0, "a document without info.title passed validation")
        let document = try await OpenAPIDocument()
        #expect(document.root["openapi"] as? String == "3.1.0")
    }

    /// The list and watch paths document exactly the query parameters kcache decodes (read
    /// from `ListOptionsQuery`, so a parameter added there fails here until it is documented).
    @Test func documentedParametersAreTheHonouredOnes() async throws {
        guard await Self.prerequisites() else { return }
        let document = try await OpenAPIDocument()
        let source = try Repository.text("Sources/KubeAPI/Request/ListOptionsQuery.swift")
        let decoded = Set(source.matches(of: /query\["([A-Za-z]+)"\]/).map { String($0.output.1) })
        #expect(decoded.count >= 10, "read \(decoded) from ListOptionsQuery.swift")
        for path in Self.listPaths {
            let documented = document.parameters(of: document.get(path), in: "query")
            #expect(Set(documented) == decoded, "\(path): documented \(documented.sorted()) vs honoured \(decoded.sorted())")
            #expect(document.parameters(of: document.get(path), in: "header") == ["Accept"], "\(path)")
        }
        for path in Self.getPaths {
            #expect(document.parameters(of: document.get(path), in: "query") == ["resourceVersion"], "\(path)")
        }
        #expect(Set(document.paths.keys) == Set(Self.localPaths + Self.listPaths + Self.getPaths),
                "paths in openapi.yaml vs paths this test exercises: add a concrete request for each new path")
        // Every documented error body is a Status; every answer says its source (required on
        // success; on errors, absent when kcache refuses the request before routing it).
        for path in Self.listPaths + Self.getPaths {
            let responses = document.get(path)["responses"] as? [String: Any] ?? [:]
            #expect(responses.keys.contains("200") && responses.count > 5, "\(path): \(responses.keys.sorted())")
            for (code, response) in responses {
                let resolved = document.resolve(response)
                let headers = resolved["headers"] as? [String: Any] ?? [:]
                #expect(headers["X-Kcache-Source"] != nil, "\(path) \(code): X-Kcache-Source")
                if code == "200" {
                    #expect(document.requiredHeaders(resolved).contains("X-Kcache-Source"), "\(path) 200: X-Kcache-Source required")
                } else {
                    #expect(document.jsonSchemaReference(resolved) == "#/components/schemas/Status", "\(path) \(code): a Status body")
                }
            }
        }
    }

    // MARK: Against a live kcache

    static let localPaths = ["/livez", "/readyz", "/healthz", "/metrics"]
    static let listPaths = [
        "/api/v1/{resource}", "/api/v1/namespaces/{namespace}/{resource}",
        "/apis/{group}/{version}/{resource}", "/apis/{group}/{version}/namespaces/{namespace}/{resource}",
    ]
    static let getPaths = [
        "/api/v1/{resource}/{name}", "/api/v1/namespaces/{namespace}/{resource}/{name}",
        "/apis/{group}/{version}/{resource}/{name}", "/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}",
    ]

    /// Concrete requests for each templated path: core and group, cluster-scoped and namespaced.
    static let instances: [String: [String]] = [
        "/api/v1/{resource}": ["/api/v1/nodes", "/api/v1/configmaps"],
        "/api/v1/namespaces/{namespace}/{resource}": ["/api/v1/namespaces/ns-0/configmaps"],
        "/apis/{group}/{version}/{resource}": ["/apis/apps/v1/deployments", "/apis/example.com/v1/clusterwidgets"],
        "/apis/{group}/{version}/namespaces/{namespace}/{resource}": ["/apis/example.com/v1/namespaces/ns-1/widgets"],
        "/api/v1/{resource}/{name}": ["/api/v1/nodes/node-0", "/api/v1/namespaces/ns-0"],
        "/api/v1/namespaces/{namespace}/{resource}/{name}": ["/api/v1/namespaces/ns-0/configmaps/cm-0"],
        "/apis/{group}/{version}/{resource}/{name}": ["/apis/example.com/v1/clusterwidgets/cw-0"],
        "/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}": ["/apis/apps/v1/namespaces/ns-0/deployments/deploy-0"],
    ]

    static let resources = ["configmaps", "nodes", "namespaces", "deployments.apps", "widgets.example.com", "clusterwidgets.example.com"]

    /// A seeded KubeSim with a cluster-scoped custom resource, kcache in front of it with every
    /// kind above cached and synced.
    static func withKcache(_ body: (String) async throws -> Void) async throws {
        let sim = KubeSim()
        try sim.seed(SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 0, deploymentsPerNamespace: 1,
                              widgetsPerNamespace: 1, nodes: 2))
        sim.addCustomResource(group: "example.com", version: "v1", kind: "ClusterWidget", plural: "clusterwidgets", namespaced: false)
        _ = try sim.create(
            GroupVersionResource(group: "example.com", version: "v1", resource: "clusterwidgets"),
            json: Array(#"{"apiVersion":"example.com/v1","kind":"ClusterWidget","metadata":{"name":"cw-0"}}"#.utf8))
        try await withServer(sim) { sim in
            let front = try await KcacheFront.start(upstream: sim, resources: resources, tuning: ConformanceFixture.Tuning())
            do {
                try await body(front.baseURL)
            } catch {
                await front.shutdown()
                throw error
            }
            await front.shutdown()
        }
    }

    /// Checks `response` against what `operation` documents for its status: the status is
    /// documented, the content type is one documented, required headers are present (with a
    /// documented value when the header has an enum), and a JSON body has the schema's
    /// required properties.
    static func expectDocumented(
        _ response: TestHTTPResponse, _ operation: [String: Any], in document: OpenAPIDocument, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let documented = document.response(operation, status: response.status) else {
            Issue.record("\(what): status \(response.status) is not documented: \(response.text.prefix(300))", sourceLocation: sourceLocation)
            return
        }
        let contentType = response.header("Content-Type") ?? ""
        let mediaTypes = document.mediaTypes(documented)
        if !mediaTypes.isEmpty {
            #expect(mediaTypes.contains(contentType), "\(what): Content-Type \(contentType) not in \(mediaTypes)", sourceLocation: sourceLocation)
        }
        for name in document.requiredHeaders(documented) {
            let value = response.header(name)
            #expect(value != nil, "\(what): header \(name) missing", sourceLocation: sourceLocation)
            let allowed = document.resolve((documented["headers"] as? [String: Any])?[name]).mapping("schema")["enum"] as? [String]
            if let allowed, let value {
                #expect(allowed.contains(value), "\(what): \(name): \(value) not in \(allowed)", sourceLocation: sourceLocation)
            }
        }
        if contentType == "application/json" {
            var schema = document.jsonSchema(documented)
            if let alternatives = schema["oneOf"] as? [Any] {
                // A LIST or a WATCH: the ObjectList when the body is one JSON document.
                schema = document.resolve(alternatives.first)
            }
            let required = schema["required"] as? [String] ?? []
            let body = response.object
            #expect(!required.isEmpty, "\(what): the documented schema requires nothing", sourceLocation: sourceLocation)
            for property in required {
                #expect(body[property] != nil, "\(what): body lacks \(property): \(response.text.prefix(300))", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func kcacheEndpointsAnswerAsDocumented() async throws {
        guard await Self.prerequisites() else { return }
        let document = try await OpenAPIDocument()
        let client = TestHTTPClient()
        try await Self.withKcache { base in
            for path in Self.localPaths {
                let operations = try #require(document.paths[path])
                for (method, value) in operations {
                    guard let operation = value as? [String: Any], ["get", "head"].contains(method) else { continue }
                    var queries = [""]
                    if document.parameters(of: operation, in: "query").contains("verbose") { queries.append("?verbose") }
                    for query in queries {
                        let response = try await client.request(method.uppercased(), base + path + query)
                        #expect(response.header("X-Kcache-Source") == nil, "\(method) \(path)\(query): kcache's own endpoint says a source")
                        if method == "head" {
                            #expect(document.response(operation, status: response.status) != nil, "HEAD \(path): \(response.status)")
                            #expect(response.body.isEmpty, "HEAD \(path) has a body")
                            continue
                        }
                        Self.expectDocumented(response, operation, in: document, "GET \(path)\(query)")
                        #expect(response.status == 200, "GET \(path)\(query) once synced: \(response.text)")
                        if path != "/metrics" {
                            #expect(query.isEmpty ? response.text == "ok" : response.text.hasSuffix("check passed\n"), "GET \(path)\(query): \(response.text)")
                        } else {
                            #expect(response.text.contains("# TYPE kcache_"), "/metrics is Prometheus text with kcache families")
                        }
                    }
                }
            }
        }
    }

    @Test func kubernetesPathsAnswerAsDocumented() async throws {
        guard await Self.prerequisites() else { return }
        let document = try await OpenAPIDocument()
        let client = TestHTTPClient()
        try await Self.withKcache { base in
            for path in Self.getPaths {
                let operation = document.get(path)
                for instance in try #require(Self.instances[path], "\(path)") {
                    let response = try await client.request("GET", base + instance)
                    Self.expectDocumented(response, operation, in: document, "GET \(instance)")
                    #expect(response.status == 200 && response.header("X-Kcache-Source") == "cache", "GET \(instance): \(response.status)")
                    let missing = try await client.request("GET", base + instance + "-missing")
                    Self.expectDocumented(missing, operation, in: document, "GET \(instance)-missing")
                    #expect(missing.status == 404 && missing.object["reason"] as? String == "NotFound", "\(instance)-missing")
                    let stale = try await client.request("GET", base + instance + "?resourceVersion=0")
                    #expect(stale.status == 200 && stale.header("X-Kcache-Source") == "cache", "GET \(instance)?resourceVersion=0")
                }
            }
            for path in Self.listPaths {
                let operation = document.get(path)
                for instance in try #require(Self.instances[path], "\(path)") {
                    let list = try await client.request("GET", base + instance)
                    Self.expectDocumented(list, operation, in: document, "LIST \(instance)")
                    #expect(list.status == 200 && list.header("X-Kcache-Source") == "cache", "LIST \(instance): \(list.status)")
                    #expect(!list.items.isEmpty, "LIST \(instance) is empty")
                    let itemSchema = document.resolve(document.schema("ObjectList").mapping("properties", "items")["items"])
                    #expect(!(itemSchema["required"] as? [String] ?? []).isEmpty)
                    for item in list.items {
                        for property in itemSchema["required"] as? [String] ?? [] {
                            #expect(item[property] != nil, "LIST \(instance): an item lacks \(property)")
                        }
                    }
                    let invalid = try await client.request("GET", base + instance + "?limit=ten")
                    Self.expectDocumented(invalid, operation, in: document, "LIST \(instance)?limit=ten")
                    #expect(invalid.status == 400, "LIST \(instance)?limit=ten: \(invalid.status)")

                    let watch = try await client.watch(base + instance + "?watch=true&timeoutSeconds=5")
                    defer { watch.close() }
                    #expect(watch.status == 200)
                    #expect(watch.header("Content-Type") == "application/json")
                    #expect(watch.header("X-Kcache-Source") == "cache")
                    let event = try #require(try await watch.next(), "WATCH \(instance): no event")
                    let eventSchema = document.schema("WatchEvent")
                    for property in eventSchema["required"] as? [String] ?? [] {
                        #expect(event.json[property] != nil, "WATCH \(instance): event lacks \(property)")
                    }
                    let types = (eventSchema.mapping("properties", "type")["enum"] as? [String]) ?? []
                    #expect(types.contains(event.type), "WATCH \(instance): type \(event.type) not in \(types)")
                }
            }
        }
    }

    /// Each documented query parameter, with its documented example (and the companions the API
    /// requires), is answered from the cache.
    @Test func everyDocumentedParameterIsServedFromTheCache() async throws {
        guard await Self.prerequisites() else { return }
        let document = try await OpenAPIDocument()
        let operation = document.get("/api/v1/namespaces/{namespace}/{resource}")
        var examples: [String: String] = [:]
        for parameter in (operation["parameters"] as? [Any] ?? []).map(document.resolve) {
            guard let name = parameter["name"] as? String, let example = parameter["example"] else { continue }
            examples[name] = "\(example)" == "1" && parameter.mapping("schema")["type"] as? String == "boolean" ? "true" : "\(example)"
        }
        let client = TestHTTPClient()
        let path = "/api/v1/namespaces/ns-0/configmaps"
        try await Self.withKcache { base in
            func example(_ name: String) throws -> String {
                try #require(examples[name].map { TestHTTPClient.encode($0) }, "no example for \(name)")
            }
            let lists = [
                ("resourceVersion", "resourceVersion=\(try example("resourceVersion"))"),
                ("resourceVersionMatch", "resourceVersion=0&resourceVersionMatch=\(try example("resourceVersionMatch"))"),
                ("limit", "limit=\(try example("limit"))"),
                ("labelSelector", "labelSelector=\(try example("labelSelector"))"),
                ("fieldSelector", "fieldSelector=\(try example("fieldSelector"))"),
            ]
            var tried: Set<String> = []
            for (name, query) in lists {
                tried.insert(name)
                let response = try await client.request("GET", base + path + "?" + query)
                #expect(response.status == 200 && response.header("X-Kcache-Source") == "cache", "\(query): \(response.status) \(response.text.prefix(200))")
                if name == "limit" {
                    let token = try #require(response.continueToken, "a limit below the 3 objects leaves a continue token")
                    tried.insert("continue")
                    let next = try await client.request("GET", base + path + "?limit=2&continue=" + TestHTTPClient.encode(token))
                    #expect(next.status == 200 && next.header("X-Kcache-Source") == "cache", "continue: \(next.status)")
                    #expect(next.itemNames == ["cm-2"])
                }
                if name == "fieldSelector" { #expect(response.itemNames == ["cm-0"]) }
            }
            let watches = [
                ("watch", "watch=\(try example("watch"))&timeoutSeconds=5"),
                ("timeoutSeconds", "watch=true&timeoutSeconds=\(try example("timeoutSeconds"))"),
                ("allowWatchBookmarks", "watch=true&allowWatchBookmarks=\(try example("allowWatchBookmarks"))&timeoutSeconds=5"),
                ("sendInitialEvents",
                 "watch=true&sendInitialEvents=\(try example("sendInitialEvents"))&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=5"),
            ]
            for (name, query) in watches {
                tried.insert(name)
                let watch = try await client.watch(base + path + "?" + query)
                defer { watch.close() }
                #expect(watch.status == 200 && watch.header("X-Kcache-Source") == "cache", "\(query): \(watch.status)")
                let events = try await watch.next(3)
                #expect(events.map(\.type) == ["ADDED", "ADDED", "ADDED"], "\(query)")
                switch name {
                case "timeoutSeconds":
                    #expect(try await watch.waitForEnd(timeout: .seconds(15)) == .completed, "timeoutSeconds ends the watch")
                case "sendInitialEvents":
                    let bookmark = try #require(try await watch.next(), "sendInitialEvents: no bookmark after the initial events")
                    #expect(bookmark.type == "BOOKMARK")
                    #expect(bookmark.annotations["k8s.io/initial-events-end"] == "true")
                default:
                    break
                }
            }
            let partial = try await client.request(
                "GET", base + path, headers: [("Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")])
            #expect(partial.status == 200 && partial.header("X-Kcache-Source") == "cache")
            #expect(partial.object["kind"] as? String == "PartialObjectMetadataList")
            tried.insert("watch")
            #expect(tried == Set(document.parameters(of: operation, in: "query")), "parameters tried vs documented")
        }
    }
}
