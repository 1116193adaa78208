import KubeAPI
import Testing

/// A resource request's parse in one line:
/// `verb prefix group/version ns=namespace resource/name/subresource`.
private func summary(_ info: RequestInfo) -> String {
    let verb = info.verb?.rawValue ?? "-"
    return "\(verb) \(info.apiPrefix) \(info.group)/\(info.version) ns=\(info.namespace) \(info.resource)/\(info.name)/\(info.subresource)"
}

@Suite struct RequestInfoTests {
    /// Method, request target, expected summary.
    static let resourceCases: [(String, String, String)] = [
        ("GET", "/api/v1/pods", "list api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch=true", "watch api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch=1", "watch api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch", "watch api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch=yes", "watch api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch=false", "list api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch=FALSE", "list api /v1 ns= pods//"),
        ("GET", "/api/v1/pods?watch=0", "list api /v1 ns= pods//"),
        ("GET", "/api/v1/namespaces/ns/pods", "list api /v1 ns=ns pods//"),
        ("GET", "/api/v1/namespaces/ns/pods/name", "get api /v1 ns=ns pods/name/"),
        ("GET", "/api/v1/namespaces/ns/pods/name?watch=true", "get api /v1 ns=ns pods/name/"),
        ("GET", "/api/v1/namespaces/ns/pods/name/status", "get api /v1 ns=ns pods/name/status"),
        ("GET", "/api/v1/namespaces/ns/pods/name/log", "get api /v1 ns=ns pods/name/log"),
        ("GET", "/api/v1/namespaces/ns/pods/name/proxy/some/path", "get api /v1 ns=ns pods/name/proxy"),
        ("GET", "/api/v1/namespaces/ns/pods/name/log//x", "get api /v1 ns=ns pods/name/log"),
        ("GET", "/api/v1/namespaces", "list api /v1 ns= namespaces//"),
        ("GET", "/api/v1/namespaces/ns", "get api /v1 ns=ns namespaces/ns/"),
        ("PUT", "/api/v1/namespaces/ns/status", "update api /v1 ns=ns namespaces/ns/status"),
        ("PUT", "/api/v1/namespaces/ns/finalize", "update api /v1 ns=ns namespaces/ns/finalize"),
        ("DELETE", "/api/v1/namespaces/ns", "delete api /v1 ns=ns namespaces/ns/"),
        ("GET", "/api/v1/nodes/n", "get api /v1 ns= nodes/n/"),
        ("GET", "/api/v1/nodes", "list api /v1 ns= nodes//"),
        ("GET", "/apis/apps/v1/deployments", "list apis apps/v1 ns= deployments//"),
        ("GET", "/apis/apps/v1/namespaces/ns/deployments/d", "get apis apps/v1 ns=ns deployments/d/"),
        ("GET", "/apis/apps/v1/namespaces/ns/deployments/d/scale", "get apis apps/v1 ns=ns deployments/d/scale"),
        ("PUT", "/apis/apps/v1/namespaces/ns/deployments/d/scale", "update apis apps/v1 ns=ns deployments/d/scale"),
        ("GET", "/apis/example.com/v1alpha1/namespaces/ns/widgets", "list apis example.com/v1alpha1 ns=ns widgets//"),
        ("GET", "/api/v1/watch/namespaces/ns/pods", "watch api /v1 ns=ns pods//"),
        ("GET", "/api/v1/watch/pods", "watch api /v1 ns= pods//"),
        ("GET", "/api/v1/watch/pods?watch=false", "watch api /v1 ns= pods//"),
        ("GET", "/api/v1/watch/namespaces/ns/pods/p", "watch api /v1 ns=ns pods/p/"),
        ("GET", "/api/v1/watch/nodes/n", "watch api /v1 ns= nodes/n/"),
        ("GET", "/apis/apps/v1/watch/namespaces/ns/deployments", "watch apis apps/v1 ns=ns deployments//"),
        ("GET", "/api/v1/proxy/nodes/n/some/path", "proxy api /v1 ns= nodes/n/"),
        ("GET", "/api/v1/pods/", "list api /v1 ns= pods//"),
        ("GET", "//api/v1/pods//", "list api /v1 ns= pods//"),
        ("HEAD", "/api/v1/pods", "list api /v1 ns= pods//"),
        ("HEAD", "/api/v1/namespaces/ns/pods/p", "get api /v1 ns=ns pods/p/"),
        ("POST", "/api/v1/namespaces/ns/pods", "create api /v1 ns=ns pods//"),
        ("PUT", "/api/v1/namespaces/ns/pods/p", "update api /v1 ns=ns pods/p/"),
        ("PATCH", "/api/v1/namespaces/ns/pods/p", "patch api /v1 ns=ns pods/p/"),
        ("DELETE", "/api/v1/namespaces/ns/pods/p", "delete api /v1 ns=ns pods/p/"),
        ("DELETE", "/api/v1/namespaces/ns/pods", "deletecollection api /v1 ns=ns pods//"),
        ("POST", "/api/v1/namespaces/ns/pods/p/eviction", "create api /v1 ns=ns pods/p/eviction"),
        ("OPTIONS", "/api/v1/pods", "- api /v1 ns= pods//"),
        ("get", "/api/v1/pods", "- api /v1 ns= pods//"),
        ("GET", "/api/v1/namespaces/n%2Ds/pods", "list api /v1 ns=n-s pods//"),
        ("GET", "/api/v1/namespaces/ns/pods/a%2Fb", "get api /v1 ns=ns pods/a/b"),
        ("GET", "/api/v1/namespaces/ns/pods/a+b", "get api /v1 ns=ns pods/a+b/"),
        ("GET", "/api/v1/namespaces/ns/configmaps/%C3%A9", "get api /v1 ns=ns configmaps/é/"),
        ("GET", "https://127.0.0.1:6443/api/v1/pods?limit=1", "list api /v1 ns= pods//"),
        ("GET", "HTTP://host/api/v1/namespaces/ns/pods/p", "get api /v1 ns=ns pods/p/"),
    ]

    @Test(arguments: resourceCases)
    func resolvesResourcePathsAsTheRequestInfoFactory(_ method: String, _ uri: String, _ expected: String) throws {
        let info = try RequestInfo(method: method, uri: uri)
        #expect(info.isResourceRequest)
        #expect(summary(info) == expected)
        #expect(info.method == method)
    }

    static let nonResourceCases: [(String, String)] = [
        ("GET", "/"),
        ("GET", ""),
        ("GET", "/api"),
        ("GET", "/api/"),
        ("GET", "/api/v1"),
        ("GET", "/apis"),
        ("GET", "/apis/apps"),
        ("GET", "/apis/apps/v1"),
        ("GET", "/apis/apps/v1/"),
        ("GET", "/version"),
        ("GET", "/version?timeout=32s"),
        ("GET", "/openapi/v3"),
        ("GET", "/openapi/v3/apis/apps/v1"),
        ("GET", "/openapi/v2"),
        ("GET", "/healthz"),
        ("GET", "/healthz/etcd"),
        ("GET", "/metrics"),
        ("GET", "/livez"),
        ("GET", "/foo/v1/pods"),
        ("GET", "/api/v1/watch"),
        ("GET", "/apis/apps/v1/proxy"),
        ("GET", "/api/v1//pods"),
        ("GET", "/api/v1/namespaces//pods"),
        ("GET", "/api/v1/namespaces/ns/pods//status"),
        ("GET", "/api/v1/namespaces/ns/pods/.."),
        ("GET", "/api/v1/namespaces/ns/pods/."),
        ("GET", "/api/v1/namespaces/ns/pods/%2E%2E"),
        ("GET", "/api/v1/namespaces/../pods"),
        ("GET", "/api/v1/namespaces/ns/pods/a%25b"),
        ("GET", "/api/v1/namespaces/a%25b/pods"),
        ("POST", "/api/v1/watch/pods"),
        ("DELETE", "/api/v1/watch/namespaces/ns/pods/p"),
    ]

    @Test(arguments: nonResourceCases)
    func leavesNonResourceAndUninterpretablePathsToTheUpstream(_ method: String, _ uri: String) throws {
        let info = try RequestInfo(method: method, uri: uri)
        #expect(!info.isResourceRequest)
        #expect(info.verb == nil)
        #expect(info.resource == "" && info.name == "" && info.apiPrefix == "")
        #expect(info.objectKey == nil)
        #expect(info.options == ListOptions())
    }

    @Test func pathIsPercentDecodedWithoutTheQuery() throws {
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/namespaces/n%2Ds/pods?limit=5").path == "/api/v1/namespaces/n-s/pods")
        #expect(try RequestInfo(method: "GET", uri: "/openapi/v3%3F?x").path == "/openapi/v3?")
        #expect(try RequestInfo(method: "GET", uri: "https://h:1/version?x=1").path == "/version")
    }

    /// `?`, `&` and `=` are found as bytes, as Go finds them, even when a combining mark follows
    /// and makes one `Character` of the separator and the mark.
    @Test func separatorsBeforeACombiningMarkSplitAsInGo() throws {
        let marked = try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns/pods?\u{301}limit=5")
        #expect(Array(marked.path.utf8) == Array("/api/v1/namespaces/ns/pods".utf8))
        #expect(summary(marked) == "list api /v1 ns=ns pods//")
        #expect(marked.options.limit == nil)
        let paged = try RequestInfo(method: "GET", uri: "/api/v1/pods?limit=5&\u{301}x=1")
        #expect(summary(paged) == "list api /v1 ns= pods//")
        #expect(paged.options.limit == 5)
        let absolute = try RequestInfo(method: "GET", uri: "https://h:1/api/v1/pods?watch=1&\u{301}")
        #expect(summary(absolute) == "watch api /v1 ns= pods//")
        let named = try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns/configmaps/\u{301}?resourceVersion=0")
        #expect(Array(named.name.utf8) == Array("\u{301}".utf8))
        #expect(named.options.resourceVersion == .zero)
    }

    @Test func objectKeysNameObjectsAndTreatNamespacesAsClusterScoped() throws {
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns/pods/p").objectKey == ObjectKey(namespace: "ns", name: "p"))
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns/pods/p/status").objectKey == ObjectKey(namespace: "ns", name: "p"))
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/nodes/n").objectKey == ObjectKey(name: "n"))
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns").objectKey == ObjectKey(name: "ns"))
        #expect(try RequestInfo(method: "GET", uri: "/apis/example.com/v1/namespaces/ns/namespaces/x").objectKey
            == ObjectKey(namespace: "ns", name: "x"))
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns/pods").objectKey == nil)
        #expect(try RequestInfo(method: "GET", uri: "/api/v1/namespaces").objectKey == nil)
    }

    @Test func groupVersionResourceOfAResourceRequest() throws {
        let info = try RequestInfo(method: "GET", uri: "/apis/apps/v1/namespaces/ns/deployments")
        #expect(info.groupVersionResource == GroupVersionResource(group: "apps", version: "v1", resource: "deployments"))
        let core = try RequestInfo(method: "GET", uri: "/api/v1/pods")
        #expect(core.groupVersionResource == GroupVersionResource(group: "", version: "v1", resource: "pods"))
    }

    @Test func watchOfOneObjectSelectsItByName() throws {
        let info = try RequestInfo(method: "GET", uri: "/api/v1/watch/namespaces/ns/pods/p?resourceVersion=10")
        #expect(info.verb == .watch)
        #expect(info.options.isWatch)
        #expect(info.options.fieldSelector.description == "metadata.name=p")
        #expect(info.options.resourceVersion == ResourceVersion(10))
        #expect(info.objectKey == ObjectKey(namespace: "ns", name: "p"))

        let agreeing = try RequestInfo(method: "GET", uri: "/api/v1/watch/namespaces/ns/pods/p?fieldSelector=metadata.name%3Dp,status.phase%3DRunning")
        #expect(agreeing.options.fieldSelector.description == "metadata.name=p,status.phase=Running")

        let conflicting = capture { try RequestInfo(method: "GET", uri: "/api/v1/watch/namespaces/ns/pods/p?fieldSelector=metadata.name%3Dq") }
        #expect(conflicting == badRequest("fieldSelector metadata.name doesn't match requested name"))
        let withoutName = capture { try RequestInfo(method: "GET", uri: "/api/v1/watch/namespaces/ns/pods/p?fieldSelector=status.phase%3DRunning") }
        #expect(withoutName == badRequest("fieldSelector metadata.name doesn't match requested name"))
    }

    @Test func namedGetReadsOnlyTheResourceVersion() throws {
        let info = try RequestInfo(method: "GET", uri: "/api/v1/namespaces/ns/pods/p?resourceVersion=0&watch=true&labelSelector=a%20b&limit=x")
        #expect(info.verb == .get)
        #expect(info.options.resourceVersion == .zero)
        #expect(!info.options.isWatch)
        #expect(info.options.labelSelector.isEverything)
        #expect(info.options.limit == nil)
    }

    @Test func otherVerbsParseTheQueryWithoutFailing() throws {
        let deletion = try RequestInfo(method: "DELETE", uri: "/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb&limit=x")
        #expect(deletion.verb == .deletecollection)
        #expect(deletion.options == ListOptions())
        let lenient = try RequestInfo(method: "DELETE", uri: "/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb&resourceVersion=x")
        #expect(lenient.options.labelSelector.description == "app=web")
        #expect(lenient.options.resourceVersion == nil)
        let creation = try RequestInfo(method: "POST", uri: "/api/v1/namespaces/ns/pods?resourceVersionMatch=Bogus&sendInitialEvents=true")
        #expect(creation.verb == .create)
        #expect(creation.options.sendInitialEvents == true)
    }

    static let malformedTargets: [(String, String)] = [
        ("/api/%zz", "parse \"/api/%zz\": invalid URL escape \"%zz\""),
        ("/api/v1/namespaces/ns/pods/%4", "parse \"/api/v1/namespaces/ns/pods/%4\": invalid URL escape \"%4\""),
        ("/api/v1/pods/%", "parse \"/api/v1/pods/%\": invalid URL escape \"%\""),
        ("/api/v1/pods/%g1x", "parse \"/api/v1/pods/%g1x\": invalid URL escape \"%g1\""),
        ("/api/v1/pods\u{7F}", "parse \"/api/v1/pods\\x7f\": net/url: invalid control character in URL"),
        ("/api/v1/pods?x=\u{1}", "parse \"/api/v1/pods?x=\\x01\": net/url: invalid control character in URL"),
    ]

    @Test(arguments: malformedTargets)
    func rejectsMalformedTargetsAsGoDoes(_ uri: String, _ message: String) {
        #expect(capture { try RequestInfo(method: "GET", uri: uri) } == badRequest(message))
    }
}
