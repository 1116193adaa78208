/// A LIST response body split into its list metadata and the raw byte range of every item:
/// `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"R","continue":"…",
/// "remainingItemCount":N},"items":[…]}`, keys in any order.
///
/// The reflector uses it to cache each item's bytes without decoding them (DESIGN.md
/// invariant 1); items of built-in kinds come without `kind`/`apiVersion`, which
/// `ObjectJSON.settingTypeMeta` restores. Validates the whole body (see `JSONScanner`) and
/// throws `JSONError` on malformed JSON, a non-object, an `items` that is not an array or
/// null, an item that is not an object, or list metadata of the wrong type. Allocates the
/// `items` array and the few strings only. Duplicate keys: the last one wins, as in Go.
public struct ListBody: Sendable {
    public var kind: String?
    public var apiVersion: String?
    /// `metadata.resourceVersion`; nil when absent, empty or not a decimal integer.
    public var resourceVersion: ResourceVersion?
    /// `metadata.continue`; nil when absent or empty (the last page).
    public var continueToken: String?
    /// `metadata.remainingItemCount`; nil when absent (for example with a selector).
    public var remainingItemCount: Int?
    /// Raw byte range of every element of `items`, in order, whitespace excluded.
    public var items: [Range<Int>]

    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONError) {
        kind = nil
        apiVersion = nil
        resourceVersion = nil
        continueToken = nil
        remainingItemCount = nil
        items = []
        var scanner = JSONScanner(bytes)
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.notAnObject, at: scanner.position)
        }
        try scanner.enterContainer(depth: 1)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            if scanner.equals(key, "items") {
                try readItems(&scanner)
            } else if scanner.equals(key, "metadata") {
                try readListMeta(&scanner)
            } else if scanner.equals(key, "kind") {
                if let kind = try scanner.readString() { self.kind = kind }
            } else if scanner.equals(key, "apiVersion") {
                if let apiVersion = try scanner.readString() { self.apiVersion = apiVersion }
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.finish()
    }

    public init(parsing bytes: [UInt8]) throws(JSONError) {
        self = try ObjectJSON.withBytes(bytes) { (raw) throws(JSONError) in try ListBody(parsing: raw) }
    }

    /// Parses a slice; `items` ranges are the slice's indices.
    public init(parsing bytes: ArraySlice<UInt8>) throws(JSONError) {
        self = try ObjectJSON.withBytes(bytes) { (raw) throws(JSONError) in try ListBody(parsing: raw) }
        let offset = bytes.startIndex
        if offset != 0 {
            items = items.map { $0.lowerBound + offset..<$0.upperBound + offset }
        }
    }

    private mutating func readItems(_ scanner: inout JSONScanner) throws(JSONError) {
        if try scanner.consumeNull() {
            items = []
            return
        }
        guard try scanner.peekSignificant() == UInt8(ascii: "[") else {
            throw JSONError(.typeMismatch, at: scanner.position)
        }
        try scanner.enterContainer(depth: 2)
        items = []
        var isFirst = true
        while try scanner.nextElement(isFirst: &isFirst) {
            guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
                throw JSONError(.typeMismatch, at: scanner.position)
            }
            let start = scanner.position
            try scanner.skipValue(depth: 2)
            items.append(start..<scanner.position)
        }
    }

    private mutating func readListMeta(_ scanner: inout JSONScanner) throws(JSONError) {
        if try scanner.consumeNull() { return }
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.typeMismatch, at: scanner.position)
        }
        try scanner.enterContainer(depth: 2)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            if scanner.equals(key, "resourceVersion") {
                resourceVersion = try scanner.readResourceVersion()
            } else if scanner.equals(key, "continue") {
                let token = try scanner.readString()
                continueToken = token?.isEmpty == false ? token : nil
            } else if scanner.equals(key, "remainingItemCount") {
                remainingItemCount = try scanner.readInteger()
            } else {
                try scanner.skipValue(depth: 2)
            }
        }
    }
}
