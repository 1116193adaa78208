import KubeAPI

extension CachedObject {
    /// Where the object's members begin after a leading `"kind":…,"apiVersion":…,`, or nil
    /// when the object does not start that way.
    ///
    /// LIST items of built-in kinds carry no `kind`/`apiVersion` (KUBERNETES.md), but the cache
    /// keeps them on every object because GETs and watch events need them. The API server, and
    /// `ObjectJSON.settingTypeMeta`, write them as the first two members, so an item is `{`
    /// followed by the bytes from this index: no copy, no re-encoding.
    static func typeMetaEnd(of bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        func expect(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.endIndex - index >= count else { return false }
            let matches = literal.withUTF8Buffer { expected in
                bytes[index..<(index + count)].elementsEqual(expected)
            }
            if matches { index += count }
            return matches
        }
        func skipPlainString() -> Bool {
            // Kind and apiVersion names are plain ASCII; anything escaped is not this layout.
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return true }
                if byte == UInt8(ascii: "\\") { return false }
            }
            return false
        }
        guard expect(#"{"kind":""#), skipPlainString(), expect(#","apiVersion":""#), skipPlainString(),
              expect(",")
        else { return nil }
        return index
    }

    /// The object as a LIST item of a built-in kind: `{` and then `bytes[listItemStart...]`;
    /// the whole object when it does not begin with its type meta.
    public var listItemBody: ArraySlice<UInt8>? {
        listItemStart.map { bytes[$0...] }
    }
}
