/// A URL query string decoded as Go's `url.ParseQuery` decodes it for the API server
/// (`req.URL.Query()`): pairs split on the byte `&`, each at its first `=`, names and values
/// percent-decoded with `+` as space.
///
/// Like Go, it never fails: a pair containing `;` or a malformed `%` escape is skipped, empty
/// pairs are ignored, and a name without `=` has the value `""`. Lookups return the first value,
/// as the API server's parameter decoding uses `values[0]`. A value type; safe to share.
public struct QueryString: Hashable, Sendable {
    /// One decoded `name=value` pair.
    public struct Item: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The pairs in the order they appear.
    public var items: [Item]

    /// Decodes `raw`, the part of a request target after `?` (still percent-encoded).
    public init(_ raw: Substring) {
        items = []
        // Split on bytes, as Go does: a separator followed by a combining mark (`&\u{301}`) is
        // one `Character`, which a `Character` search would not find.
        for pair in raw.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if pair.contains(UInt8(ascii: ";")) { continue }
            let rawName: Substring
            let rawValue: Substring
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                rawName = raw[pair.startIndex..<equals]
                rawValue = raw[raw.utf8.index(after: equals)..<pair.endIndex]
            } else {
                rawName = raw[pair.startIndex..<pair.endIndex]
                rawValue = ""
            }
            guard let name = try? PercentDecoding.decode(rawName, mode: .queryComponent),
                  let value = try? PercentDecoding.decode(rawValue, mode: .queryComponent) else { continue }
            items.append(Item(name: name, value: value))
        }
    }

    /// Decodes `raw`, the part of a request target after `?`.
    public init(_ raw: String) {
        self.init(Substring(raw))
    }

    /// The first value given for `name`, or nil when the parameter is absent.
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value given for `name`, in order.
    public func values(for name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    /// Whether the parameter is present, with any value (`?watch` counts).
    public func contains(_ name: String) -> Bool {
        items.contains { $0.name == name }
    }
}
