import Testing
@testable import KubeAPI

/// The validating scanner: what it accepts, and that every malformed input throws the right
/// reason instead of trapping or reading past the end.
@Suite struct JSONScannerTests {
    /// Skips a whole document the way every reader starts: one value, then only whitespace.
    private func validate(_ text: String) throws(JSONError) {
        let bytes = Array(text.utf8)
        try ObjectJSON.withBytes(bytes) { (raw) throws(JSONError) in
            var scanner = JSONScanner(raw)
            try scanner.skipValue(depth: 0)
            try scanner.finish()
        }
    }

    static let valid: [String] = [
        #"{}"#, #"[]"#, #"0"#, #"-0"#, #"-12.5e+3"#, #"1E-2"#, #"true"#, #"false"#, #"null"#,
        #""""#, #""\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00""#, " \n\t\r{ \"a\" : [ 1 , { } , [ ] ] } \n",
        #"{"a":{"b":{"c":[1,2,{"d":null}]}}}"#, #"["é","日本","😀"]"#, #"{"a":1,"a":2}"#,
        #""0123456789abcdefghijklmnopqrstuvwxyz0123456789 long enough for the word-at-a-time path""#,
    ]

    @Test(arguments: valid)
    func acceptsValidJSON(_ text: String) throws {
        try validate(text)
    }

    /// One malformed input and the reason it must be rejected for; long inputs print short.
    struct Malformed: CustomTestStringConvertible, Sendable {
        var text: String
        var reason: JSONError.Reason
        var testDescription: String {
            text.utf8.count > 60 ? "\(text.prefix(24))… (\(text.utf8.count) bytes)" : text
        }
    }

    static let malformed: [Malformed] = ([
        ("", .unexpectedEnd),
        ("   ", .unexpectedEnd),
        (#"{"#, .unexpectedEnd),
        (#"{"a""#, .unexpectedEnd),
        (#"{"a":"#, .unexpectedEnd),
        (#"{"a":1"#, .unexpectedEnd),
        (#"{"a":"abc"#, .unexpectedEnd),
        (#"[1,2"#, .unexpectedEnd),
        (#"{"a":1}}"#, .trailingData),
        (#"[1]]"#, .trailingData),
        (#"{"a":1} x"#, .trailingData),
        (#"{} {}"#, .trailingData),
        (#"{"a":1,}"#, .unexpectedByte),
        (#"[1,]"#, .unexpectedByte),
        (#"{,}"#, .unexpectedByte),
        (#"{"a" 1}"#, .unexpectedByte),
        (#"{a:1}"#, .unexpectedByte),
        (#"{"a":1 "b":2}"#, .unexpectedByte),
        (#"[1 2]"#, .unexpectedByte),
        (#"{"a":[}"#, .unexpectedByte),
        (#"{'a':1}"#, .unexpectedByte),
        (#"{"a":tru}"#, .unexpectedByte),
        (#"{"a":nul"#, .unexpectedEnd),
        (#"{"a":True}"#, .unexpectedByte),
        (#"{"a":"\x"}"#, .invalidEscape),
        (#"{"a":"\u12G4"}"#, .invalidEscape),
        (#"{"a":"\u12"#, .unexpectedEnd),
        (#"{"a":"\"#, .unexpectedEnd),
        ("{\"a\":\"line\nbreak\"}", .controlCharacterInString),
        ("{\"a\":\"tab\there\"}", .controlCharacterInString),
        (#"{"a":01}"#, .unexpectedByte),
        (#"{"a":1.}"#, .invalidNumber),
        (#"{"a":.5}"#, .unexpectedByte),
        (#"{"a":-}"#, .invalidNumber),
        (#"{"a":1e}"#, .invalidNumber),
        (#"{"a":1e+}"#, .invalidNumber),
        (#"{"a":+1}"#, .unexpectedByte),
        (#"{"a":0x10}"#, .unexpectedByte),
        (#"{"a":NaN}"#, .unexpectedByte),
        (String(repeating: "[", count: 600) + String(repeating: "]", count: 600), .tooDeep),
        (String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513), .tooDeep),
        (String(repeating: "[", count: 100_000), .tooDeep),
    ] as [(String, JSONError.Reason)]).map { Malformed(text: $0.0, reason: $0.1) }

    @Test(arguments: malformed)
    func rejectsMalformedJSON(_ input: Malformed) {
        #expect(throws: JSONError.self) { try validate(input.text) }
        do {
            try validate(input.text)
        } catch {
            #expect(error.reason == input.reason, "\(input.testDescription): \(error)")
            #expect(error.offset >= 0 && error.offset <= input.text.utf8.count)
        }
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        let depth = JSONScanner.maxDepth
        try validate(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
    }

    @Test func everyTruncationOfARealPodThrows() {
        // Cutting a valid object anywhere must throw (and never read past the cut).
        let pod = Array(JSONFixtures.pod().utf8)
        for cut in stride(from: 0, to: pod.count - 1, by: 7) {
            let prefix = Array(pod[..<cut])
            #expect(throws: JSONError.self) { try ObjectJSON.metadata(of: prefix) }
        }
    }

    @Test func invalidUTF8InStringsIsRepairedLikeGo() throws {
        let bytes: [UInt8] = Array(#"{"metadata":{"name":""#.utf8) + [0xFF, 0x61] + Array(#""}}"#.utf8)
        let metadata = try ObjectJSON.metadata(of: bytes)
        #expect(metadata.name == "\u{FFFD}a")
    }

    @Test func unescapingResolvesSurrogatesAndRepairsUnpairedOnes() {
        let cases: [(String, String)] = [
            (#""\u00e9\u65e5""#, "é日"),
            (#""\uD83D\uDE00""#, "😀"),
            (#""\uD83Dx""#, "\u{FFFD}x"),
            (#""\uDE00""#, "\u{FFFD}"),
            (#""a\/b\"c\\d\te""#, "a/b\"c\\d\te"),
        ]
        for (json, expected) in cases {
            let bytes = Array(json.utf8)
            let decoded = bytes.withUnsafeBytes { raw -> String? in
                var scanner = JSONScanner(raw)
                guard let token = try? scanner.scanString() else { return nil }
                return scanner.string(token)
            }
            #expect(decoded == expected, "\(json)")
        }
    }

    @Test func randomMutationsNeverTrap() {
        // A poor man's fuzzer: flip, insert and delete bytes of a real pod and run every reader.
        // Each must return or throw; a trap or out-of-bounds read fails the whole run.
        let pod = Array(JSONFixtures.pod().utf8)
        let alphabet = Array(#"{}[]":,\ u0e1-tfn"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var accepted = 0
        for _ in 0..<1_500 {
            var bytes = pod
            for _ in 0..<(1 + next(3)) {
                let index = next(bytes.count)
                switch next(3) {
                case 0: bytes[index] = alphabet[next(alphabet.count)]
                case 1: bytes.insert(alphabet[next(alphabet.count)], at: index)
                default: bytes.remove(at: index)
                }
            }
            if (try? ObjectJSON.metadata(of: bytes)) != nil { accepted += 1 }
            _ = try? ObjectJSON.fieldValues(["spec.nodeName", "status.podIPs", "metadata.labels.tier"], in: bytes)
            _ = try? ListBody(parsing: bytes)
            _ = try? WatchEventLine(parsing: bytes)
            _ = try? ObjectJSON.settingTypeMeta(kind: "Pod", apiVersion: "v1", of: bytes)
            _ = try? ObjectJSON.settingResourceVersion(ResourceVersion(1), of: bytes)
            _ = Status.status(fromJSON: bytes)
            _ = try? ContinueToken(decoding: String(decoding: bytes.prefix(64), as: UTF8.self))
        }
        #expect(accepted < 1_500, "some mutations must be rejected")
    }
}
