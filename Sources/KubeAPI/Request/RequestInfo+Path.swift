/// Splitting and decoding a request target the way Go's `net/http` and the API server's
/// `splitPath` do.
extension RequestInfo {
    /// The path and the raw query of a request target: origin form (`/api/v1/pods?watch=1`) or
    /// absolute form (`https://host/api/v1/pods`). Split on bytes, as Go does (`?\u{301}` is a
    /// `?` followed by a combining mark, not a character `?` never equals).
    static func splitTarget(_ uri: String) -> (path: Substring, query: Substring) {
        var target = Substring(uri)
        for scheme in ["http://", "https://"] where target.utf8.count >= scheme.utf8.count
            && target.utf8.prefix(scheme.utf8.count).elementsEqual(scheme.utf8, by: { asciiLowercased($0) == $1 }) {
            let rest = target.utf8.dropFirst(scheme.utf8.count)
            let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
            target = target[authorityEnd...]
            break
        }
        guard let questionMark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (target[..<questionMark], target[target.utf8.index(after: questionMark)...])
    }

    /// The percent-decoded path (Go's `URL.Path`: `%2F` becomes `/`, `+` stays).
    ///
    /// - Throws: `400 BadRequest` for a control character or a malformed `%` escape, which Go's
    ///   server rejects before any handler runs.
    static func decodePath(_ raw: Substring, uri: String) throws(Status) -> String {
        if uri.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw Status.invalidRequestURI(uri, "net/url: invalid control character in URL")
        }
        do {
            return try PercentDecoding.decode(raw, mode: .path)
        } catch {
            throw Status.invalidRequestURI(uri, error.message)
        }
    }

    /// The API server's `splitPath`: leading and trailing `/` trimmed, then split on every `/`
    /// (inner empty segments are kept).
    static func splitPath(_ path: String) -> [String] {
        let trimmed = path.utf8.drop { $0 == UInt8(ascii: "/") }
        let end = trimmed.lastIndex { $0 != UInt8(ascii: "/") }.map { trimmed.index(after: $0) } ?? trimmed.startIndex
        let body = trimmed[trimmed.startIndex..<end]
        if body.isEmpty { return [] }
        return body.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether a path segment kcache can interpret: not empty, `.` or `..`.
    static func isPlainSegment(_ segment: String) -> Bool {
        !segment.isEmpty && segment != "." && segment != ".."
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
