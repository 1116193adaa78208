/// Go's reading of a request target, on bytes, as `net/http` and `net/url` do it for the API
/// server: the model `RequestInfoTarget` holds `RequestInfo` and `QueryString` to.
///
/// Bytes, not Swift `Character`s: Go splits at the byte `?`, `&` or `=` even when a combining
/// mark follows it (`?\u{301}`), where a grapheme-based search would not see the separator.
enum GoURL {
    /// The raw path and raw query of an origin-form or `http(s)://` absolute-form target.
    static func split(_ uri: [UInt8]) -> (path: ArraySlice<UInt8>, query: ArraySlice<UInt8>) {
        var target = uri[...]
        for scheme in ["http://", "https://"].map({ Array($0.utf8) }) where target.count >= scheme.count
            && zip(target, scheme).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0) == $1 }) {
            let rest = target.dropFirst(scheme.count)
            target = rest[(rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex)...]
            break
        }
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return (target, []) }
        return (target[..<mark], target[(mark + 1)...])
    }

    /// `url.ParseQuery`: pairs at `&`, a pair with `;` or a bad escape skipped, name and value
    /// split at the first `=` and unescaped with `+` as space.
    static func query(_ raw: ArraySlice<UInt8>) -> [(name: String, value: String)] {
        raw.split(separator: UInt8(ascii: "&")).compactMap { pair in
            if pair.contains(UInt8(ascii: ";")) { return nil }
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            guard let name = unescape(pair[..<equals], plusIsSpace: true),
                  let value = unescape(equals == pair.endIndex ? [] : pair[(equals + 1)...], plusIsSpace: true) else { return nil }
            return (FuzzText.string(name), FuzzText.string(value))
        }
    }

    /// `%XX` decoded (nil for a malformed escape), and `+` as a space in query components.
    static func unescape(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = ReferenceJSONParser.hex(bytes[index + 1]),
                      let low = ReferenceJSONParser.hex(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return out
    }
}
