import KubeAPI

/// `ContinueToken(decoding:)` and `latestStartKey(decoding:)`. Input: a token as a client
/// sends it, or, when it starts with `{`, the JSON inside a token (encoded here first, so the
/// fuzzer reaches the JSON decoding without having to learn base64).
///
/// Invariants, beyond "no trap":
/// - A rejection is a `400 BadRequest` worded `invalid continue token: …`.
/// - An accepted token has a resourceVersion above 0 and a clean start key (no leading `/`,
///   no empty, `.` or `..` segment; empty only for the start `"/"`), and its JSON is RFC 8259
///   (per the reference parser) nested at most 512 deep.
/// - For plain token JSON (`v`, `rv`, `start` once each, names folded as Go folds them, a
///   valid version, a positive `rv`): it is accepted exactly when `start` is a clean path once
///   rooted, and the start key is `start` without its leading `/` (bytes, so `/\u{301}` is a
///   leading slash too).
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
            let start = isJSON ? (try? ReferenceJSONParser.parse(bytes).get()).flatMap(plainStart) : nil
            try expect(start == nil, "rejected \(show(bytes)), whose start key \(show(start ?? "")) is clean")
            return
        }
        try expect(latest == nil, "latestStartKey answers for the valid token \(show(text))")
        try expect(token.resourceVersion.value > 0, "token \(show(text)) has resourceVersion 0")
        try checkStartKey(token.startKey, text)
        if isJSON {
            let document = try? ReferenceJSONParser.parse(bytes).get()
            try expect(document.map { $0.facts.maxDepth <= 512 } ?? false, "accepted a token of malformed JSON \(show(bytes))")
            if let start = document.flatMap(plainStart) {
                try expect(token.startKey == start, "start key \(show(token.startKey)), expected \(show(start))")
            }
        }
        let reencoded = token.encoded
        try expect((try? ContinueToken(decoding: reencoded)) == token, "token \(token) → \(show(reencoded)) does not decode back")
    }

    private static func checkStartKey(_ key: String, _ text: String) throws(InvariantViolation) {
        try expect(key.isEmpty || isClean(Array(key.utf8)[...]), "start key \(show(key)) of \(show(text)) is not clean")
    }

    /// A member name as Go's `bytes.EqualFold` compares it with ASCII names: ASCII letters
    /// lowercased, `ſ` (U+017F) read as `s` and the Kelvin sign (U+212A) as `k`, the only
    /// non-ASCII letters that fold to ASCII ones.
    static func goFolded(_ key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < key.count {
            if key[index...].starts(with: [0xC5, 0xBF]) {
                out.append(UInt8(ascii: "s"))
                index += 2
            } else if key[index...].starts(with: [0xE2, 0x84, 0xAA]) {
                out.append(UInt8(ascii: "k"))
                index += 3
            } else {
                let byte = key[index]
                out.append(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte)
                index += 1
            }
        }
        return out
    }

    /// Go's `path.Clean(p) == p` for `"/" + p`: no empty, `.` or `..` segment.
    static func isClean(_ relative: ArraySlice<UInt8>) -> Bool {
        relative.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && !$0.elementsEqual([0x2E]) && !$0.elementsEqual([0x2E, 0x2E]) }
    }

    /// For token JSON with exactly the members `v`, `rv` and `start` (names matched as Go's
    /// `encoding/json` matches them, see `goFolded`), the version right and a positive integer
    /// `rv`: the start key the token must decode to, or nil when the start is not clean. Nil
    /// too for any other JSON (repeated keys, other types).
    static func plainStart(_ document: ReferenceJSON) -> String? {
        guard let members = document.root.value.members, members.count == 3 else { return nil }
        func member(_ name: String) -> ReferenceJSON.Node? {
            let matching = members.filter { goFolded($0.key) == Array(name.utf8) }
            return matching.count == 1 ? matching[0].node : nil
        }
        guard let version = member("v")?.value.string,
              Array(version.utf8) == Array(ContinueToken.version.utf8),
              case .number(let literal)? = member("rv")?.value,
              let rv = Int64(literal), rv > 0,
              case .string(let start, let raw)? = member("start")?.value,
              !raw.isEmpty else { return nil }
        let bytes = Array(start.utf8)
        let relative = bytes.first == UInt8(ascii: "/") ? bytes.dropFirst() : bytes[...]
        guard relative.isEmpty && bytes.count == 1 || isClean(relative) else { return nil }
        return FuzzText.string(relative)
    }
}
