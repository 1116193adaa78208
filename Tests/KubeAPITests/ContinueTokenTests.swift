import Testing
@testable import KubeAPI

/// Continue tokens in the API server's exact format and with its exact error messages.
@Suite struct ContinueTokenTests {
    @Test func encodesExactlyAsTheAPIServer() {
        // base64url(no padding) of {"v":"meta.k8s.io/v1","rv":42,"start":"ns/name\u0000"}
        let token = ContinueToken(resourceVersion: ResourceVersion(42), startKey: "ns/name\u{0}")
        #expect(token.encoded == "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDIsInN0YXJ0IjoibnMvbmFtZVx1MDAwMCJ9")
        let namespaced = ContinueToken(resourceVersion: ResourceVersion(12345), after: ObjectKey(namespace: "shop", name: "web-1"),
                                       listNamespace: "shop")
        #expect(namespaced.startKey == "web-1\u{0}")
        #expect(namespaced.encoded == "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzNDUsInN0YXJ0Ijoid2ViLTFcdTAwMDAifQ")
    }

    @Test func decodesTheAPIServersToken() throws {
        let token = try ContinueToken(decoding: "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDIsInN0YXJ0IjoibnMvbmFtZVx1MDAwMCJ9")
        #expect(token.resourceVersion == ResourceVersion(42))
        #expect(token.startKey == "ns/name\u{0}")
        #expect(token.startObjectKey(listNamespace: nil) == ObjectKey(namespace: "ns", name: "name\u{0}"))
    }

    @Test(arguments: [
        ContinueToken(resourceVersion: ResourceVersion(1), startKey: "a\u{0}"),
        ContinueToken(resourceVersion: ResourceVersion(UInt64(Int64.max)), startKey: "kube-system/coredns-5d78c9869d-abcde\u{0}"),
        ContinueToken(resourceVersion: ResourceVersion(7), startKey: "ns/caf\u{e9} <&>\u{0}"),
        ContinueToken(resourceVersion: ResourceVersion(8), startKey: "x"),
    ])
    func roundTrips(_ token: ContinueToken) throws {
        #expect(try ContinueToken(decoding: token.encoded) == token)
        #expect(!token.encoded.contains("=") && !token.encoded.contains("+") && !token.encoded.contains("/"))
    }

    @Test func relativeKeysFollowTheListScope() {
        let key = ObjectKey(namespace: "ns", name: "pod-a")
        let all = ContinueToken(resourceVersion: ResourceVersion(3), after: key, listNamespace: nil)
        #expect(all.startKey == "ns/pod-a\u{0}")
        #expect(all.startObjectKey(listNamespace: nil) == ObjectKey(namespace: "ns", name: "pod-a\u{0}"))
        #expect(all.startObjectKey(listNamespace: nil) > key)
        let one = ContinueToken(resourceVersion: ResourceVersion(3), after: key, listNamespace: "ns")
        #expect(one.startObjectKey(listNamespace: "ns") == ObjectKey(namespace: "ns", name: "pod-a\u{0}"))
        let clusterScoped = ContinueToken(resourceVersion: ResourceVersion(3), after: ObjectKey(name: "node-1"), listNamespace: nil)
        #expect(clusterScoped.startKey == "node-1\u{0}")
        #expect(clusterScoped.startObjectKey(listNamespace: nil) == ObjectKey(name: "node-1\u{0}"))
        // The next key after pod-a, before pod-a-2 and pod-b: the NUL sorts first.
        #expect(ObjectKey(namespace: "ns", name: "pod-a\u{0}") < ObjectKey(namespace: "ns", name: "pod-a-2"))
    }

    @Test func acceptsGoStyleCaseInsensitiveKeysAndALeadingSlash() throws {
        // {"V":"meta.k8s.io/v1","RV":7,"Start":"/ns/a\u0000"}
        let token = try ContinueToken(decoding: "eyJWIjoibWV0YS5rOHMuaW8vdjEiLCJSViI6NywiU3RhcnQiOiIvbnMvYVx1MDAwMCJ9")
        #expect(token == ContinueToken(resourceVersion: ResourceVersion(7), startKey: "ns/a\u{0}"))
    }

    /// Go matches member names with Unicode simple case folding, where `ſ` (U+017F) is an `s`.
    @Test func foldsMemberNamesAsGo() throws {
        let json = #"{"v":"meta.k8s.io/v1","RV":7,"\u017ftart":"a\u0000","\u017fTART":"b\u0000"}"#
        let token = try ContinueToken(decoding: Base64URL.encode(Array(json.utf8)))
        #expect(token == ContinueToken(resourceVersion: ResourceVersion(7), startKey: "b\u{0}"))
        #expect(ContinueToken.foldedKey("\u{17F}TaRt") == "start")
        #expect(ContinueToken.foldedKey("\u{212A}") == "k")
    }

    /// A leading `/` is the byte, as Go's `strings.HasPrefix` sees it, even when a combining mark
    /// follows and makes one `Character` of the two: `"/\u{301}a"` is clean and becomes `\u{301}a`.
    @Test func aSlashBeforeACombiningMarkIsALeadingSlash() throws {
        let token = try ContinueToken(decoding: Base64URL.encode(Array(#"{"v":"meta.k8s.io/v1","rv":5,"start":"/\u0301a"}"#.utf8)))
        #expect(token.resourceVersion == ResourceVersion(5))
        #expect(Array(token.startKey.utf8) == Array("\u{301}a".utf8))

        let across = ContinueToken(resourceVersion: ResourceVersion(5), startKey: "ns/\u{301}p\u{0}")
        let key = try ContinueToken(decoding: across.encoded).startObjectKey(listNamespace: nil)
        #expect(Array(key.namespace.utf8) == Array("ns".utf8))
        #expect(Array(key.name.utf8) == Array("\u{301}p\u{0}".utf8))

        // Rooted at that slash, `..` still climbs: rejected with the key as written.
        let climbing = #"{"v":"meta.k8s.io/v1","rv":5,"start":"/\u0301/../a"}"#
        let error = capture { try ContinueToken(decoding: Base64URL.encode(Array(climbing.utf8))) }
        #expect(error == badRequest("invalid continue token: continue key is not valid: /\u{301}/../a"))
    }

    /// Invalid tokens with the API server's exact 400 messages.
    static let invalid: [(String, String)] = [
        ("abc$def", "illegal base64 data at input byte 3"),
        ("ab==", "illegal base64 data at input byte 2"),
        ("abcde", "illegal base64 data at input byte 4"),
        ("eyJ2Ijoi+WV0", "illegal base64 data at input byte 8"),
        // {"v":"meta.k8s.io/v1","rv":0,"start":"a"}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MCwic3RhcnQiOiJhIn0",
         "incorrect encoded start resourceVersion (version meta.k8s.io/v1)"),
        // {"v":"meta.k8s.io/v2","rv":5,"start":"a"}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjIiLCJydiI6NSwic3RhcnQiOiJhIn0",
         "server does not recognize this encoded version meta.k8s.io/v2"),
        // {"v":"meta.k8s.io/v1","rv":5,"start":""}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiIifQ", "encoded start key empty (version meta.k8s.io/v1)"),
        // {"v":"meta.k8s.io/v1","rv":5,"start":"../secrets/x"}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiIuLi9zZWNyZXRzL3gifQ", "../secrets/x"),
        // {"v":"meta.k8s.io/v1","rv":5,"start":"a/"}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiJhLyJ9", "a/"),
        // {"v":"meta.k8s.io/v1","rv":"5","start":"a"}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6IjUiLCJzdGFydCI6ImEifQ",
         "json: cannot unmarshal string into Go struct field continueToken.rv of type int64"),
        // {"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MS41LCJzdGFydCI6ImEifQ",
         "json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64"),
        // [1]
        ("WzFd", "json: cannot unmarshal array into Go value of type storage.continueToken"),
        // {"v":"meta.k8s.io/v1"
        ("eyJ2IjoibWV0YS5rOHMuaW8vdjEi", "unexpected end of JSON input"),
        // x
        ("eA", "invalid character 'x' looking for beginning of value"),
        // null
        ("bnVsbA", "server does not recognize this encoded version "),
        ("", "unexpected end of JSON input"),
    ]

    @Test(arguments: invalid)
    func rejectsWithTheAPIServersMessage(_ encoded: String, _ detail: String) {
        do {
            let token = try ContinueToken(decoding: encoded)
            Issue.record("accepted \(encoded) as \(token)")
        } catch {
            #expect(error.code == 400 && error.reason == .badRequest)
            let separator = detail.hasPrefix("server does not recognize") ? " " : ": "
            #expect(error.message == "invalid continue token: continue key is not valid\(separator)\(detail)")
        }
    }

    @Test func negativeResourceVersionIsForwardedNotServed() {
        // {"v":"meta.k8s.io/v1","rv":-1,"start":"ns/a\u0000"}: the API server's "inconsistent" token.
        let encoded = "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoibnMvYVx1MDAwMCJ9"
        #expect(throws: Status.self) { try ContinueToken(decoding: encoded) }
        #expect(ContinueToken.latestStartKey(decoding: encoded) == "ns/a\u{0}")
        #expect(ContinueToken.latestStartKey(decoding: ContinueToken(resourceVersion: ResourceVersion(5), startKey: "a").encoded) == nil)
    }

    @Test(arguments: [
        ("/a", "/a"), ("/a/", "/a"), ("//a", "/a"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/../a", "/a"),
        ("/a/b/..", "/a"), ("/", "/"), ("/a\u{0}", "/a\u{0}"), ("/a/..b", "/a/..b"),
    ])
    func cleansPathsAsGo(_ input: String, _ expected: String) {
        #expect(String(decoding: ContinueToken.cleanRootedPath(Array(input.utf8)), as: UTF8.self) == expected)
    }

    @Test func base64MatchesGoOnEveryLengthMod3() throws {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 250) }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded.count == (length * 8 + 5) / 6)
            #expect(try Base64URL.decode(encoded) == bytes)
            #expect(try Base64URL.decode(encoded + "\n") == bytes, "Go skips newlines")
        }
    }
}
