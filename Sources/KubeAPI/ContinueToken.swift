/// A LIST `continue` token in the API server's own format (apiserver `storage/continue.go`):
/// unpadded URL-safe base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`, so
/// tokens stay meaningful between kcache replicas and to the upstream.
///
/// **The start key is relative to the list's key prefix** and is the first key the next page
/// may contain (inclusive). The API server builds it from the last key it returned plus a NUL
/// byte, the smallest key after it:
/// - a list in one namespace (`/api/v1/namespaces/ns/pods`, prefix `/registry/pods/ns/`)
///   has `start` = `name\u0000`;
/// - a list across namespaces (`/api/v1/pods`, prefix `/registry/pods/`) has
///   `start` = `ns/name\u0000`; a cluster-scoped kind's has `name\u0000`.
/// `init(resourceVersion:after:listNamespace:)` and `startObjectKey(listNamespace:)` convert
/// between that convention and `ObjectKey`s. `startKey` holds the text exactly as in the
/// token, NUL included, with a leading `/` removed (the API server accepts and drops it).
///
/// Decoding validates as `DecodeContinue` does and fails with its messages, wrapped as the
/// API server wraps them: `400 BadRequest`, `invalid continue token: continue key is not
/// valid: …`. One deliberate difference: the API server also accepts a negative `rv` (the
/// "inconsistent continue" token it hands out with a 410 for an expired list) and serves it
/// from its latest state. A cache cannot honour that as an exact read, so `init(decoding:)`
/// rejects it as it rejects 0; `latestStartKey(decoding:)` recognises such tokens so the
/// caller can send the request upstream instead.
public struct ContinueToken: Hashable, Sendable {
    /// The resourceVersion every page of the list is served at; never 0.
    public var resourceVersion: ResourceVersion
    /// The relative key the next page starts at, inclusive (see the type's notes).
    public var startKey: String

    /// The one token version the API server writes and accepts.
    public static let version = "meta.k8s.io/v1"

    public init(resourceVersion: ResourceVersion, startKey: String) {
        self.resourceVersion = resourceVersion
        self.startKey = startKey
    }

    /// The token for the page after `key`: `start` is `key`'s storage key relative to the
    /// list's prefix, plus NUL. `listNamespace` is the namespace the list is confined to, nil
    /// for a list across all namespaces (or of a cluster-scoped kind).
    public init(resourceVersion: ResourceVersion, after key: ObjectKey, listNamespace: String?) {
        self.resourceVersion = resourceVersion
        self.startKey = (listNamespace == nil ? key.storageKey : key.name) + "\u{0}"
    }

    /// The first key the next page may hold, in `ObjectKey` order (names may end in NUL).
    public func startObjectKey(listNamespace: String?) -> ObjectKey {
        if let listNamespace { return ObjectKey(namespace: listNamespace, name: startKey) }
        guard let slash = startKey.utf8.firstIndex(of: UInt8(ascii: "/")) else { return ObjectKey(name: startKey) }
        return ObjectKey(namespace: String(startKey[..<slash]), name: String(startKey[startKey.utf8.index(after: slash)...]))
    }

    /// The token text: base64url (no padding) of the JSON, as Go's `json.Marshal` writes it.
    public var encoded: String {
        var json: [UInt8] = Array(#"{"v":"meta.k8s.io/v1","rv":"#.utf8)
        json.append(contentsOf: resourceVersion.description.utf8)
        json.append(contentsOf: #","start":"#.utf8)
        JSONString.append(startKey, to: &json)
        json.append(UInt8(ascii: "}"))
        return Base64URL.encode(json)
    }

    /// Decodes and validates a token.
    ///
    /// - Throws: `Status` 400 BadRequest with the API server's message.
    public init(decoding encoded: String) throws(Status) {
        let fields = try ContinueToken.decodeFields(encoded)
        guard fields.version == ContinueToken.version else {
            throw ContinueToken.invalid("server does not recognize this encoded version \(fields.version)", separator: " ")
        }
        guard fields.resourceVersion > 0 else {
            throw ContinueToken.invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        self.resourceVersion = ResourceVersion(UInt64(fields.resourceVersion))
        self.startKey = try ContinueToken.validatedStartKey(fields.startKey)
    }

    /// The start key of a well-formed token whose `rv` is negative: one the API server
    /// serves from its latest state, which a cache must forward upstream. Nil otherwise.
    public static func latestStartKey(decoding encoded: String) -> String? {
        guard let fields = try? decodeFields(encoded), fields.version == version, fields.resourceVersion < 0 else {
            return nil
        }
        return try? validatedStartKey(fields.startKey)
    }

    // MARK: Validation as DecodeContinue

    private static func validatedStartKey(_ startKey: String) throws(Status) -> String {
        guard !startKey.isEmpty else { throw invalid("encoded start key empty (version meta.k8s.io/v1)") }
        // Path traversal defence: the key, rooted, must already be clean.
        // Bytes: `"/\u{301}"` starts with a slash even though its first `Character` is not "/".
        let rooted = startKey.utf8.first == UInt8(ascii: "/") ? Array(startKey.utf8) : [UInt8(ascii: "/")] + Array(startKey.utf8)
        let cleaned = cleanRootedPath(rooted)
        guard cleaned == rooted else { throw invalid(startKey) }
        return String(decoding: cleaned.dropFirst(), as: UTF8.self)
    }

    /// `continue key is not valid: <detail>` as a 400, wrapped as the API server's list
    /// validation wraps it. (`server does not recognize…` is joined with a space in Go.)
    static func invalid(_ detail: String, separator: String = ": ") -> Status {
        .badRequest("invalid continue token: continue key is not valid\(separator)\(detail)")
    }

    /// Go's `path.Clean` for a path that starts with `/`: drops empty and `.` elements,
    /// resolves `..` (never above the root) and any trailing slash.
    static func cleanRootedPath(_ path: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "/")]
        var index = 1
        let count = path.count
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        while index < count {
            if path[index] == slash {
                index += 1
            } else if path[index] == dot, index + 1 == count || path[index + 1] == slash {
                index += 1
            } else if path[index] == dot, path[index + 1] == dot, index + 2 == count || path[index + 2] == slash {
                index += 2
                while out.count > 1 {
                    let removed = out.removeLast()
                    if removed == slash { break }
                }
            } else {
                if out.count != 1 { out.append(slash) }
                while index < count, path[index] != slash {
                    out.append(path[index])
                    index += 1
                }
            }
        }
        return out
    }
}

// MARK: - Decoding the JSON as Go's encoding/json does

/// Decoding a token's JSON with Go's `encoding/json` semantics and messages.
extension ContinueToken {
    /// The token's fields after base64 and JSON decoding, before validation.
    struct Fields {
        var version = ""
        var resourceVersion: Int64 = 0
        var startKey = ""
    }

    /// Base64 and JSON decoding with Go's semantics: keys matched as Go folds them, unknown
    /// keys ignored, the last duplicate wins, `null` leaves a field unset; Go's messages on
    /// failure (syntax errors first, then the first type mismatch).
    static func decodeFields(_ encoded: String) throws(Status) -> Fields {
        let json: [UInt8]
        do throws(Base64URL.DecodingError) {
            json = try Base64URL.decode(encoded)
        } catch {
            throw invalid("illegal base64 data at input byte \(error.offset)")
        }
        let outcome = json.withUnsafeBytes { raw -> Result<Fields, Status> in
            var checker = JSONScanner(raw)
            do throws(JSONError) {
                try checker.skipValue(depth: 0)
                try checker.finish()
            } catch {
                return .failure(invalid(goSyntaxMessage(error, in: raw)))
            }
            var scanner = JSONScanner(raw)
            var fields = Fields()
            var typeError: String?
            do throws(JSONError) {
                let first = try scanner.peekSignificant()
                if first == UInt8(ascii: "n") { return .success(fields) }
                guard first == UInt8(ascii: "{") else {
                    return .failure(invalid("json: cannot unmarshal \(goTypeName(first)) into Go value of type storage.continueToken"))
                }
                try scanner.enterContainer(depth: 1)
                var isFirst = true
                while let key = try scanner.nextMember(isFirst: &isFirst) {
                    let name = foldedKey(String(decoding: scanner.unescapedBytes(key), as: UTF8.self))
                    let start = try scanner.peekSignificant()
                    switch (name, start) {
                    case (_, UInt8(ascii: "n")):
                        try scanner.skipValue(depth: 1)
                    case ("v", UInt8(ascii: "\"")):
                        fields.version = try scanner.readString() ?? fields.version
                    case ("start", UInt8(ascii: "\"")):
                        fields.startKey = try scanner.readString() ?? fields.startKey
                    case ("rv", UInt8(ascii: "-")), ("rv", UInt8(ascii: "0")...UInt8(ascii: "9")):
                        let range = try scanner.scanNumber()
                        if let value = scanner.integer(in: range) {
                            fields.resourceVersion = Int64(value)
                        } else if typeError == nil {
                            let literal = String(decoding: UnsafeRawBufferPointer(rebasing: raw[range]), as: UTF8.self)
                            typeError = "json: cannot unmarshal number \(literal) into Go struct field continueToken.rv of type int64"
                        }
                    case ("v", _), ("start", _), ("rv", _):
                        if typeError == nil {
                            let goType = name == "rv" ? "int64" : "string"
                            typeError = "json: cannot unmarshal \(goTypeName(start)) into Go struct field continueToken.\(name) of type \(goType)"
                        }
                        try scanner.skipValue(depth: 1)
                    default:
                        try scanner.skipValue(depth: 1)
                    }
                }
            } catch {
                return .failure(invalid(goSyntaxMessage(error, in: raw)))
            }
            if let typeError { return .failure(invalid(typeError)) }
            return .success(fields)
        }
        return try outcome.get()
    }

    /// A member name folded as Go's `encoding/json` matches field names (`bytes.EqualFold`,
    /// Unicode simple folding): ASCII case aside, `ſ` (U+017F) is an `s` and the Kelvin sign a
    /// `k` (which `lowercased()` already gives), so `"ſtart"` sets the start key.
    static func foldedKey(_ name: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in name.lowercased().unicodeScalars {
            folded.append(scalar == "\u{17F}" ? "s" : scalar)
        }
        return String(folded)
    }

    /// Go's name for the JSON type starting with `byte`, as in its UnmarshalTypeError.
    private static func goTypeName(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "{"): "object"
        case UInt8(ascii: "["): "array"
        case UInt8(ascii: "\""): "string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "bool"
        default: "number"
        }
    }

    /// Go's syntax error text for the common cases; others name the offending byte.
    private static func goSyntaxMessage(_ error: JSONError, in raw: UnsafeRawBufferPointer) -> String {
        if error.reason == .unexpectedEnd { return "unexpected end of JSON input" }
        guard error.offset < raw.count else { return "unexpected end of JSON input" }
        let byte = raw[error.offset]
        let character = byte == UInt8(ascii: "'") ? #"'\''"# : "'\(Character(Unicode.Scalar(byte)))'"
        if error.reason == .trailingData { return "invalid character \(character) after top-level value" }
        if error.offset == 0 || raw[..<error.offset].allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return "invalid character \(character) looking for beginning of value"
        }
        return "invalid character \(character) (\(error.reason.rawValue))"
    }
}
