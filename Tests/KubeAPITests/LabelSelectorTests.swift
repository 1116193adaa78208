import KubeAPI
import Testing

/// A selector, its canonical form, and label sets it must and must not match.
struct LabelSelectorCase: Sendable, CustomTestStringConvertible {
    var input: String
    var canonical: String
    var matching: [Labels]
    var notMatching: [Labels]

    var testDescription: String { "\"\(input)\"" }
}

private func valid(_ input: String, _ canonical: String, matches: [Labels] = [], rejects: [Labels] = []) -> LabelSelectorCase {
    LabelSelectorCase(input: input, canonical: canonical, matching: matches, notMatching: rejects)
}

/// Builds the messages of apimachinery's validation for the invalid cases below.
private enum Message {
    static let keyNameRule = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let valueRule = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let operators = "in, notin, =, ==, !=, gt, lt"

    static func badKey(_ key: String, _ problem: String) -> String {
        "unable to parse requirement: <nil>: Invalid value: \"\(key)\": \(problem)"
    }
}

@Suite struct LabelSelectorTests {
    static let validCases: [LabelSelectorCase] = [
        valid("", "", matches: [[:], ["a": "b"]]),
        valid("   \t ", "", matches: [[:]]),
        valid("a=b", "a=b", matches: [["a": "b"], ["a": "b", "c": "d"]], rejects: [[:], ["a": "c"], ["b": "b"]]),
        valid("a==b", "a==b", matches: [["a": "b"]], rejects: [["a": "B"]]),
        valid("a!=b", "a!=b", matches: [[:], ["a": "c"], ["a": ""]], rejects: [["a": "b"]]),
        valid("a", "a", matches: [["a": "x"], ["a": ""]], rejects: [[:], ["b": "a"]]),
        valid("!a", "!a", matches: [[:], ["b": "1"]], rejects: [["a": "x"], ["a": ""]]),
        valid("a in (x,y)", "a in (x,y)", matches: [["a": "x"], ["a": "y"]], rejects: [["a": "z"], [:]]),
        valid("a notin (x,y)", "a notin (x,y)", matches: [[:], ["a": "z"], ["a": ""]], rejects: [["a": "x"], ["a": "y"]]),
        valid("a in (y,x,x)", "a in (x,y)", matches: [["a": "y"]], rejects: [["a": "xy"]]),
        valid("a in(x)", "a in (x)", matches: [["a": "x"]]),
        valid("a>5", "a>5", matches: [["a": "6"], ["a": "10"], ["a": "+7"]], rejects: [["a": "5"], ["a": "4"], ["a": "x"], [:], ["a": ""]]),
        valid("a<5", "a<5", matches: [["a": "4"], ["a": "-3"], ["a": "04"]], rejects: [["a": "5"], ["a": "5.0"], ["a": "x"], [:]]),
        valid("a>007", "a>007", matches: [["a": "8"]], rejects: [["a": "7"]]),
        valid("a>0", "a>0", matches: [["a": "1"], ["a": "+1"]], rejects: [["a": "0"], ["a": "-0"], ["a": "1_0"]]),
        valid("a>9223372036854775806", "a>9223372036854775806",
              matches: [["a": "9223372036854775807"]], rejects: [["a": "9223372036854775808"], ["a": "9223372036854775806"]]),
        valid("a<1", "a<1", matches: [["a": "-1"], ["a": "0"]], rejects: [["a": "1"], ["a": "-9223372036854775809"]]),
        valid("a>1,a<10", "a>1,a<10", matches: [["a": "5"]], rejects: [["a": "10"], ["a": "1"]]),
        valid("a=", "a=", matches: [["a": ""]], rejects: [["a": "x"], [:]]),
        valid("a==", "a==", matches: [["a": ""]], rejects: [[:]]),
        valid("a!=", "a!=", matches: [[:], ["a": "x"]], rejects: [["a": ""]]),
        valid("a=,b", "a=,b", matches: [["a": "", "b": "1"]], rejects: [["a": ""]]),
        valid("a in ()", "a in ()", matches: [["a": ""]], rejects: [["a": "x"], [:]]),
        valid("a in (,)", "a in ()", matches: [["a": ""]], rejects: [["a": "x"]]),
        valid("a in (,b)", "a in (,b)", matches: [["a": ""], ["a": "b"]], rejects: [["a": "c"]]),
        valid("a in (b,)", "a in (,b)", matches: [["a": ""], ["a": "b"]]),
        valid("a in (b,,c)", "a in (,b,c)", matches: [["a": ""], ["a": "c"]]),
        valid("a notin ()", "a notin ()", matches: [[:], ["a": "x"]], rejects: [["a": ""]]),
        valid("b=2,a=1", "a=1,b=2", matches: [["a": "1", "b": "2"]], rejects: [["a": "1"], ["b": "2"]]),
        valid(" a = b , c ", "a=b,c", matches: [["a": "b", "c": ""]], rejects: [["a": "b"]]),
        valid("a\t=\tb\n", "a=b", matches: [["a": "b"]]),
        valid("a=b,!c,d in (e)", "a=b,!c,d in (e)", matches: [["a": "b", "d": "e"]], rejects: [["a": "b", "c": "x", "d": "e"]]),
        valid("x in (in)", "x in (in)", matches: [["x": "in"]], rejects: [["x": "notin"]]),
        valid("in in (notin)", "in in (notin)", matches: [["in": "notin"]]),
        valid("in", "in", matches: [["in": "1"]], rejects: [[:]]),
        valid("notin notin (in,notin)", "notin notin (in,notin)", matches: [["notin": "x"], [:]], rejects: [["notin": "in"]]),
        valid("!in", "!in", matches: [[:]], rejects: [["in": ""]]),
        valid("example.com/app=web", "example.com/app=web", matches: [["example.com/app": "web"]], rejects: [["app": "web"]]),
        valid("k8s.io/a-b_c.d=V_1.x-2", "k8s.io/a-b_c.d=V_1.x-2", matches: [["k8s.io/a-b_c.d": "V_1.x-2"]]),
        valid("a=b,a=c", "a=b,a=c", rejects: [["a": "b"], ["a": "c"]]),
        valid("a=c,a!=b", "a=c,a!=b", matches: [["a": "c"]], rejects: [["a": "b"]]),
        valid("a,b", "a,b", matches: [["a": "", "b": ""]], rejects: [["a": ""]]),
        valid("A=B", "A=B", matches: [["A": "B"]], rejects: [["a": "b"]]),
        valid("!a,!b", "!a,!b", matches: [[:], ["c": "1"]], rejects: [["a": "1"], ["b": "1"]]),
        valid("app=web,tier!=db,env in (prod,staging),!legacy", "app=web,env in (prod,staging),!legacy,tier!=db",
              matches: [["app": "web", "env": "prod"], ["app": "web", "env": "staging", "tier": "fe"]],
              rejects: [["app": "web", "env": "dev"], ["app": "web", "env": "prod", "legacy": "1"], ["app": "web", "env": "prod", "tier": "db"]]),
        valid("z,y=1,x!=2,w in (a),v notin (b),u>1,t<2,!s", "!s,t<2,u>1,v notin (b),w in (a),x!=2,y=1,z",
              matches: [["t": "1", "u": "2", "w": "a", "y": "1", "z": ""]]),
    ]

    @Test(arguments: validCases)
    func parsesToCanonicalFormAndMatches(_ testCase: LabelSelectorCase) throws {
        let selector = try LabelSelector(parsing: testCase.input)
        #expect(selector.description == testCase.canonical)
        #expect(selector.isEverything == testCase.canonical.isEmpty)
        // The canonical form parses back to the same selector.
        #expect(try LabelSelector(parsing: selector.description) == selector)
        for labels in testCase.matching {
            #expect(selector.matches(labels), "should match \(labels)")
        }
        for labels in testCase.notMatching {
            #expect(!selector.matches(labels), "should not match \(labels)")
        }
    }

    static let invalidCases: [(String, String)] = [
        ("a b", "unable to parse requirement: found 'b', expected: \(Message.operators)"),
        ("a\tb", "unable to parse requirement: found 'b', expected: \(Message.operators)"),
        ("a!", "unable to parse requirement: found '!', expected: \(Message.operators)"),
        (",", "found ',', expected: !, identifier, or 'end of string'"),
        ("(a)", "found '(', expected: !, identifier, or 'end of string'"),
        ("=a", "found '=', expected: !, identifier, or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        ("a=b,,c", "found ',', expected: identifier after ','"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("a in (b))", "found ')', expected: ',' or 'end of string'"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!!a", "unable to parse requirement: found '!', expected: identifier"),
        ("x in a", "unable to parse requirement: found 'a' expected: '('"),
        ("x notin", "unable to parse requirement: found '' expected: '('"),
        ("x in (", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("x in (a,", "unable to parse requirement: found '', expected: ',', or identifier"),
        ("x in (a,=", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("a=(b)", "unable to parse requirement: found '(', expected: identifier"),
        ("a===b", "unable to parse requirement: found '=', expected: identifier"),
        ("a!==b", "unable to parse requirement: found '=', expected: identifier"),
        ("a>b", "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("a>", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("a>-1", "unable to parse requirement: values[0][a]: Invalid value: \"-1\": \(Message.valueRule)"),
        ("a<_x", "unable to parse requirement: [values[0]: Invalid value: \"_x\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: \"_x\": \(Message.valueRule)]"),
        ("a in (b,-c)", "unable to parse requirement: values[0][a]: Invalid value: \"-c\": \(Message.valueRule)"),
        ("a=b:c", "unable to parse requirement: values[0][a]: Invalid value: \"b:c\": \(Message.valueRule)"),
        ("a=" + String(repeating: "v", count: 64),
         "unable to parse requirement: values[0][a]: Invalid value: \"\(String(repeating: "v", count: 64))\": must be no more than 63 characters"),
        ("a=" + String(repeating: "v", count: 63) + "-",
         "unable to parse requirement: values[0][a]: Invalid value: \"\(String(repeating: "v", count: 63))-\": must be no more than 63 characters; \(Message.valueRule)"),
        ("app:monolith", Message.badKey("app:monolith", Message.keyNameRule)),
        ("a.", Message.badKey("a.", Message.keyNameRule)),
        ("é=1", Message.badKey("é", Message.keyNameRule)),
        (String(repeating: "k", count: 64), Message.badKey(String(repeating: "k", count: 64), "name part must be no more than 63 characters")),
        ("/a", Message.badKey("/a", "prefix part must be non-empty")),
        ("example.com/", Message.badKey("example.com/", "name part must be non-empty; \(Message.keyNameRule)")),
        ("a/b/c=d", Message.badKey("a/b/c", "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")),
        ("Example.com/a", Message.badKey("Example.com/a", "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
        ("a..b/c_", Message.badKey("a..b/c_", "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'); \(Message.keyNameRule)")),
        ("a=b,c d", "unable to parse requirement: found 'd', expected: \(Message.operators)"),
    ]

    @Test(arguments: invalidCases)
    func rejectsMalformedSelectorsWithApimachineryMessages(_ input: String, _ message: String) {
        let error = capture { try LabelSelector(parsing: input) }
        #expect(error == badRequest(message))
        #expect(error?.code == 400)
        #expect(error?.reason == .badRequest)
    }

    @Test func nulByteReadsAsEndOfInputWhereATokenStarts() throws {
        // Go's lexer reads NUL as its end-of-input byte: where a token would start it ends the
        // selector; inside an identifier it only ends that identifier.
        #expect(try LabelSelector(parsing: "a=b \u{0}!!!").description == "a=b")
        #expect(capture { try LabelSelector(parsing: "a=b\u{0}!") } == badRequest("found '!', expected: ',' or 'end of string'"))
    }

    @Test func requirementsAreSortedStablyByKeyWithSortedValues() {
        let selector = LabelSelector(requirements: [
            .init(key: "b", op: .in, values: ["z", "y"]),
            .init(key: "a", op: .equals, values: ["2"]),
            .init(key: "b", op: .exists),
        ])
        #expect(selector.requirements.map(\.key) == ["a", "b", "b"])
        #expect(selector.requirements[1].values == ["y", "z"])
        #expect(selector.requirements[2].op == .exists)
        #expect(selector.description == "a=2,b in (y,z),b")
    }

    @Test func everythingIsEmptyAndMatchesAll() throws {
        #expect(LabelSelector.everything.isEverything)
        #expect(LabelSelector.everything.description == "")
        #expect(LabelSelector.everything.matches(["x": "y"]))
        #expect(try LabelSelector(parsing: "") == .everything)
        #expect(try !LabelSelector(parsing: "a").isEverything)
    }

    @Test func equalSelectorsWrittenDifferentlyCompareEqual() throws {
        #expect(try LabelSelector(parsing: "b in (y,x),a") == LabelSelector(parsing: " a , b in (x,y,x)"))
        #expect(try LabelSelector(parsing: "a=b") != LabelSelector(parsing: "a==b"))
    }

    @Test func exactValueFollowsRequiresExactMatch() throws {
        let selector = try LabelSelector(parsing: "a=1,b in (2),c in (3,4),d!=5")
        #expect(selector.exactValue(of: "a") == "1")
        #expect(selector.exactValue(of: "b") == "2")
        #expect(selector.exactValue(of: "c") == nil)
        #expect(selector.exactValue(of: "d") == nil)
        #expect(selector.exactValue(of: "e") == nil)
    }

    @Test func operatorsHaveApimachinerySpellings() {
        #expect(LabelSelector.Operator.allCases.map(\.rawValue) == ["=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt"])
    }
}
