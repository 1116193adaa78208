import KubeAPI
import Testing

private func invalid(_ problems: String...) -> String {
    let joined = problems.count == 1 ? problems[0] : "[" + problems.joined(separator: ", ") + "]"
    return "ListOptions.meta.k8s.io \"\" is invalid: \(joined)"
}

private let keyRule = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

@Suite struct ListOptionsTests {
    /// Request target, expected code, reason and message.
    static let invalidQueries: [(String, Int, StatusReason, String)] = [
        // Decoding, in the API server's order: timeoutSeconds, limit, labelSelector, fieldSelector.
        ("/api/v1/pods?limit=abc", 400, .badRequest, "strconv.ParseInt: parsing \"abc\": invalid syntax"),
        ("/api/v1/pods?limit=", 400, .badRequest, "strconv.ParseInt: parsing \"\": invalid syntax"),
        ("/api/v1/pods?limit=1.5", 400, .badRequest, "strconv.ParseInt: parsing \"1.5\": invalid syntax"),
        ("/api/v1/pods?limit=%2B", 400, .badRequest, "strconv.ParseInt: parsing \"+\": invalid syntax"),
        ("/api/v1/pods?limit=9223372036854775808", 400, .badRequest,
         "strconv.ParseInt: parsing \"9223372036854775808\": value out of range"),
        ("/api/v1/pods?limit=99999999999999999999x", 400, .badRequest,
         "strconv.ParseInt: parsing \"99999999999999999999x\": value out of range"),
        ("/api/v1/pods?watch=1&timeoutSeconds=5m", 400, .badRequest, "strconv.ParseInt: parsing \"5m\": invalid syntax"),
        ("/api/v1/pods?limit=xyz&timeoutSeconds=abc", 400, .badRequest, "strconv.ParseInt: parsing \"abc\": invalid syntax"),
        ("/api/v1/pods?labelSelector=a+b&limit=x", 400, .badRequest, "strconv.ParseInt: parsing \"x\": invalid syntax"),
        ("/api/v1/pods?labelSelector=a+b", 400, .badRequest,
         "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("/api/v1/pods?labelSelector=app:web", 400, .badRequest,
         "unable to parse requirement: <nil>: Invalid value: \"app:web\": \(keyRule)"),
        ("/api/v1/pods?labelSelector=a%3Eb", 400, .badRequest,
         "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("/api/v1/pods?fieldSelector=abc", 400, .badRequest, "invalid selector: 'abc'; can't understand 'abc'"),
        ("/api/v1/pods?fieldSelector=a%3Db%3Dc", 400, .badRequest, "invalid field selector: unescaped character in value: 61"),
        ("/api/v1/pods?fieldSelector=abc&labelSelector=a+b&watch=1", 400, .badRequest,
         "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("/api/v1/pods?labelSelector=a&fieldSelector=x%3D%5Cq", 400, .badRequest,
         "invalid field selector: invalid escape sequence: \\q"),
        // ValidateListOptions: 422 Invalid.
        ("/api/v1/pods?resourceVersionMatch=NotOlderThan", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")),
        ("/api/v1/pods?resourceVersion=5&resourceVersionMatch=Exact&continue=abc", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided")),
        ("/api/v1/pods?resourceVersion=0&resourceVersionMatch=Exact", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")),
        ("/api/v1/pods?resourceVersion=5&resourceVersionMatch=Latest", 422, .invalid,
         invalid("resourceVersionMatch: Unsupported value: \"Latest\": supported values: \"Exact\", \"NotOlderThan\", \"\"")),
        ("/api/v1/pods?resourceVersionMatch=exact", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                 "resourceVersionMatch: Unsupported value: \"exact\": supported values: \"Exact\", \"NotOlderThan\", \"\"")),
        ("/api/v1/pods?resourceVersionMatch=Exact&continue=t", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                 "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided")),
        ("/api/v1/pods?sendInitialEvents=true", 422, .invalid,
         invalid("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")),
        ("/api/v1/pods?sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=1", 422, .invalid,
         invalid("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")),
        ("/api/v1/pods?watch=true&resourceVersionMatch=NotOlderThan", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")),
        ("/api/v1/pods?watch=true&sendInitialEvents=true", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")),
        ("/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=Exact", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                 "resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"")),
        ("/api/v1/pods?watch=1&resourceVersionMatch=Exact&resourceVersion=5", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                 "resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"")),
        ("/api/v1/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&continue=x", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided")),
        // The legacy /watch/ path is validated as a LIST, as the API server does.
        ("/api/v1/watch/pods?sendInitialEvents=true&resourceVersionMatch=NotOlderThan", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                 "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")),
        // Storage: 400 BadRequest.
        ("/api/v1/pods?resourceVersion=abc", 400, .badRequest,
         "invalid resource version: resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax"),
        ("/api/v1/pods?resourceVersion=-1&watch=true", 400, .badRequest,
         "invalid resource version: resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\": invalid syntax"),
        ("/api/v1/pods?resourceVersion=18446744073709551616", 400, .badRequest,
         "invalid resource version: resourceVersion: Invalid value: \"18446744073709551616\": strconv.ParseUint: parsing \"18446744073709551616\": value out of range"),
        ("/api/v1/pods?resourceVersion=abc&resourceVersionMatch=NotOlderThan", 400, .badRequest,
         "invalid resource version: resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax"),
        ("/api/v1/namespaces/ns/pods/p?resourceVersion=%201", 400, .badRequest,
         "invalid resource version: resourceVersion: Invalid value: \" 1\": strconv.ParseUint: parsing \" 1\": invalid syntax"),
        ("/api/v1/pods?resourceVersion=5&continue=token", 400, .badRequest,
         "specifying resource version is not allowed when using continue"),
        ("/api/v1/pods?resourceVersion=00&continue=token&limit=500", 400, .badRequest,
         "specifying resource version is not allowed when using continue"),
        // `?`, `&` and `=` are bytes to Go even when a combining mark follows, making one
        // `Character` of the separator and the mark: the parameters are still split there.
        ("/api/v1/pods?limit=\u{301}5", 400, .badRequest, "strconv.ParseInt: parsing \"\u{301}5\": invalid syntax"),
        ("/api/v1/pods?resourceVersion=\u{301}", 400, .badRequest,
         "invalid resource version: resourceVersion: Invalid value: \"\u{301}\": strconv.ParseUint: parsing \"\u{301}\": invalid syntax"),
        ("/api/v1/pods?\u{301}&limit=x", 400, .badRequest, "strconv.ParseInt: parsing \"x\": invalid syntax"),
        ("/api/v1/pods?resourceVersionMatch=Exact&\u{301}", 422, .invalid,
         invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")),
    ]

    @Test(arguments: invalidQueries)
    func rejectsInvalidQueriesAsTheAPIServer(_ uri: String, _ code: Int, _ reason: StatusReason, _ message: String) {
        let error = capture { try RequestInfo(method: "GET", uri: uri) }
        #expect(error?.code == code)
        #expect(error?.reason == reason)
        #expect(error?.message == message)
        if code == 400 { #expect(error?.details == nil) }
    }

    @Test func invalidCarriesFieldCausesForListOptions() throws {
        let error = capture { try ListOptions(query: "resourceVersionMatch=exact", verb: .list) }
        let forbidden = Status.Cause(
            reason: "FieldValueForbidden",
            message: "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
            field: "resourceVersionMatch")
        let unsupported = Status.Cause(
            reason: "FieldValueNotSupported",
            message: "Unsupported value: \"exact\": supported values: \"Exact\", \"NotOlderThan\", \"\"",
            field: "resourceVersionMatch")
        #expect(error?.details == Status.Details(group: "meta.k8s.io", kind: "ListOptions", causes: [forbidden, unsupported]))
        #expect(error?.json == """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"ListOptions.meta.k8s.io \\"\\" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Unsupported value: \\"exact\\": supported values: \\"Exact\\", \\"NotOlderThan\\", \\"\\"]","reason":"Invalid","details":{"group":"meta.k8s.io","kind":"ListOptions","causes":[{"reason":"FieldValueForbidden","message":"Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided","field":"resourceVersionMatch"},{"reason":"FieldValueNotSupported","message":"Unsupported value: \\"exact\\": supported values: \\"Exact\\", \\"NotOlderThan\\", \\"\\"","field":"resourceVersionMatch"}]},"code":422}
            """)
    }

    @Test func defaultsStateNothing() {
        let options = ListOptions()
        #expect(!options.isWatch)
        #expect(options.resourceVersion == nil && options.resourceVersionMatch == nil)
        #expect(options.limit == nil && options.continueToken == nil && options.timeoutSeconds == nil)
        #expect(options.labelSelector.isEverything && options.fieldSelector.isEverything)
        #expect(!options.allowWatchBookmarks && options.sendInitialEvents == nil)
    }

    @Test func parsesAnInformersListAndWatch() throws {
        let list = try ListOptions(query: "limit=500&resourceVersion=0", verb: .list)
        #expect(list.limit == 500)
        #expect(list.resourceVersion == .zero)
        #expect(!list.isWatch)

        let watch = try ListOptions(
            query: "allowWatchBookmarks=true&resourceVersion=12345&timeoutSeconds=342&watch=true", verb: .watch)
        #expect(watch.isWatch && watch.allowWatchBookmarks)
        #expect(watch.resourceVersion == ResourceVersion(12345))
        #expect(watch.timeoutSeconds == 342)

        let watchList = try ListOptions(
            query: "allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=1", verb: .watch)
        #expect(watchList.sendInitialEvents == true)
        #expect(watchList.resourceVersionMatch == .notOlderThan)
        #expect(watchList.resourceVersion == nil)
    }

    /// Query (for a LIST unless it says watch), then a check of the result.
    static let validQueries: [(String, String)] = [
        ("", "list"),
        ("limit=0", "list"),
        ("limit=-5", "list"),
        ("limit=%2B7", "list limit=7"),
        ("limit=5&limit=abc", "list limit=5"),
        ("resourceVersion=", "list"),
        ("resourceVersion=00", "list rv=0"),
        ("resourceVersionMatch=", "list"),
        ("continue=abc", "list continue=abc"),
        ("continue=abc&resourceVersion=0", "list rv=0 continue=abc"),
        ("continue=&resourceVersion=7", "list rv=7"),
        ("resourceVersion=10&resourceVersionMatch=Exact&limit=5", "list rv=10 match=Exact limit=5"),
        ("resourceVersion=10&resourceVersionMatch=NotOlderThan", "list rv=10 match=NotOlderThan"),
        ("labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3D", "list labels=app=web fields=spec.nodeName="),
        ("labelSelector=a+in+(b,c)", "list labels=a in (b,c)"),
        ("labelSelector=&fieldSelector=", "list"),
        ("watch=yes", "watch"),
        ("watch=", "watch"),
        ("watch=False", "list"),
        ("watch=1&allowWatchBookmarks=", "watch bookmarks"),
        ("watch=1&allowWatchBookmarks=0", "watch"),
        ("watch=1&timeoutSeconds=0", "watch timeout=0"),
        ("watch=1&timeoutSeconds=-1", "watch timeout=-1"),
        ("watch=1&resourceVersion=5&continue=ignored", "watch rv=5 continue=ignored"),
        ("watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan", "watch match=NotOlderThan initial=false"),
        ("watch=1&sendInitialEvents=&resourceVersionMatch=NotOlderThan&resourceVersion=3", "watch rv=3 match=NotOlderThan initial=true"),
        ("pretty=true&foo=bar", "list"),
    ]

    @Test(arguments: validQueries)
    func parsesValidQueries(_ query: String, _ expected: String) throws {
        let options = try ListOptions(query: query, verb: .list)
        var parts = [options.isWatch ? "watch" : "list"]
        if let rv = options.resourceVersion { parts.append("rv=\(rv)") }
        if let match = options.resourceVersionMatch { parts.append("match=\(match.rawValue)") }
        if let limit = options.limit { parts.append("limit=\(limit)") }
        if let token = options.continueToken { parts.append("continue=\(token)") }
        if !options.labelSelector.isEverything { parts.append("labels=\(options.labelSelector)") }
        if !options.fieldSelector.isEverything { parts.append("fields=\(options.fieldSelector)") }
        if let timeout = options.timeoutSeconds { parts.append("timeout=\(timeout)") }
        if options.allowWatchBookmarks { parts.append("bookmarks") }
        if let initial = options.sendInitialEvents { parts.append("initial=\(initial)") }
        #expect(parts.joined(separator: " ") == expected)
    }

    @Test func watchListDefaultsApplyToLegacyWatchesFromNowOnly() throws {
        let legacy = try ListOptions(query: "watch=1&resourceVersion=0", verb: .watch).withWatchListDefaults()
        #expect(legacy.sendInitialEvents == true && legacy.resourceVersionMatch == .notOlderThan)
        let unset = try ListOptions(query: "watch=1", verb: .watch).withWatchListDefaults()
        #expect(unset.sendInitialEvents == true)
        let fromVersion = try ListOptions(query: "watch=1&resourceVersion=5", verb: .watch).withWatchListDefaults()
        #expect(fromVersion.sendInitialEvents == nil && fromVersion.resourceVersionMatch == nil)
        let explicit = try ListOptions(query: "watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan", verb: .watch)
        #expect(explicit.withWatchListDefaults() == explicit)
        let list = try ListOptions(query: "resourceVersion=0", verb: .list)
        #expect(list.withWatchListDefaults() == list)
    }

    @Test func verbsDecideWhatIsRead() throws {
        let get = try ListOptions(query: "resourceVersion=5&limit=abc&labelSelector=a+b&sendInitialEvents=1", verb: .get)
        #expect(get == { var o = ListOptions(); o.resourceVersion = ResourceVersion(5); return o }())
        #expect(capture { try ListOptions(query: "resourceVersion=x", verb: .get) }
            == badRequest("invalid resource version: resourceVersion: Invalid value: \"x\": strconv.ParseUint: parsing \"x\": invalid syntax"))

        // A watch verb without ?watch (the legacy path) is a watch validated as a LIST.
        let legacy = try ListOptions(query: "resourceVersion=9", verb: .watch)
        #expect(legacy.isWatch && legacy.resourceVersion == ResourceVersion(9))

        let patch = try ListOptions(query: "limit=x", verb: .patch)
        #expect(patch == ListOptions())
        let lenient = try ListOptions(query: "limit=3&resourceVersionMatch=Bogus&resourceVersion=q", verb: .deletecollection)
        #expect(lenient.limit == 3 && lenient.resourceVersionMatch == nil && lenient.resourceVersion == nil)
    }
}

@Suite struct QueryStringTests {
    static let cases: [(String, [String])] = [
        ("", []),
        ("a=1&b=2", ["a=1", "b=2"]),
        ("a=1&a=2", ["a=1", "a=2"]),
        ("a", ["a="]),
        ("a=", ["a="]),
        ("=x", ["=x"]),
        ("&&a=1&&", ["a=1"]),
        ("a=%zz&b=1", ["b=1"]),
        ("a%zz=1&b=1", ["b=1"]),
        ("a=1;b=2&c=3", ["c=3"]),
        ("+x+=y+z", [" x =y z"]),
        ("%2B=%26%3D", ["+=&="]),
        ("a=b=c", ["a=b=c"]),
        ("l=app%3Dweb%2Ctier+in+(a%2Cb)", ["l=app=web,tier in (a,b)"]),
        ("v=%C3%A9", ["v=é"]),
        // Separators are bytes, as in Go, even where a combining mark makes one `Character` of
        // the separator and the next scalar (`&\u{301}`, `=\u{301}`).
        ("a=1&\u{301}b=2", ["a=1", "\u{301}b=2"]),
        ("a=\u{301}&b", ["a=\u{301}", "b="]),
        ("a=\u{301}=\u{301}", ["a=\u{301}=\u{301}"]),
        ("\u{301}&\u{301}", ["\u{301}=", "\u{301}="]),
        ("a;\u{301}&b=1", ["b=1"]),
    ]

    @Test(arguments: cases)
    func decodesAsGoParseQuery(_ raw: String, _ expected: [String]) {
        #expect(QueryString(raw).items.map { "\($0.name)=\($0.value)" } == expected)
    }

    @Test func firstValueWins() {
        let query = QueryString("limit=5&limit=6&watch")
        #expect(query["limit"] == "5")
        #expect(query.values(for: "limit") == ["5", "6"])
        #expect(query["watch"] == "")
        #expect(query.contains("watch"))
        #expect(query["continue"] == nil)
        #expect(!query.contains("continue"))
        #expect(QueryString(Substring("a=1")) == QueryString("a=1"))
    }
}
