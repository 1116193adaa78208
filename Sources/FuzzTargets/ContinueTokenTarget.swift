import KubeAPI

/// `ContinueToken(decoding:)` and `latestStartKey(decoding:)`. Input: a token as a client
/// sends it, or, when it starts with `{`, the JSON inside a token (encoded here first, so the
/// fuzzer reaches the JSON decoding without having to learn base64).
///
/// Invariants, beyond "no trap":
/// - A rejection is a `400 BadRequest` worded `invalid continue token: …`.
/// - An accepted token has a resourceVersion above 0 and a clean start key (not empty, no
///   leading `/`, no empty, `.` or `..` segment), and its JSON is RFC 8259 (per the
///   reference parser) nested at most 512 deep.
/// - Round trip: `encoded` decodes to the same token.
/// - `latestStartKey` only answers for tokens `init(decoding:)` rejects.
enum ContinueTokenTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let isJSON = bytes.first == UInt8(ascii: "{")
        let text = isJSON ? FuzzText.base64URL(bytes) : FuzzText.string(bytes)
        let latest = ContinueToken.latestStartKey(decoding: text)
        let token: ContinueToken
        do throws(Status) {
            token = try ContinueToken(decoding: text)
        } catch {
            try expect(error.code == 400 && error.message.hasPrefix("invalid continue token: "), "rejected \(show(text)) with \(error)")
            if let latest { try checkStartKey(latest, text) }
            return
        }
        try expect(latest == nil, "latestStartKey answers for the valid token \(show(text))")
        try expect(token.resourceVersion.value > 0, "token \(show(text)) has resourceVersion 0")
        try checkStartKey(token.startKey, text)
        if isJSON {
            let document = try? ReferenceJSONParser.parse(bytes).get()
            try expect(document.map { $0.facts.maxDepth <= 512 } ?? false, "accepted a token of malformed JSON \(show(bytes))")
        }
        let reencoded = token.encoded
        try expect((try? ContinueToken(decoding: reencoded)) == token, "token \(token) → \(show(reencoded)) does not decode back")
    }

    private static func checkStartKey(_ key: String, _ text: String) throws(InvariantViolation) {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        try expect(!key.isEmpty && segments.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." },
                   "start key \(show(key)) of \(show(text)) is not clean")
    }
}
