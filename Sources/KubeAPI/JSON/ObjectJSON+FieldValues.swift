/// Field values for field selectors, read straight from an object's JSON.
extension ObjectJSON {
    /// The values of dotted field paths in one pass, in the order of `paths`; nil where a path
    /// is absent.
    ///
    /// Values are rendered as the API server's field selectors see them: strings unescaped,
    /// booleans `"true"`/`"false"`, numbers exactly as written. A `null`, an object or an array
    /// at the path gives nil, and so does a path that runs through a non-object.
    ///
    /// Nil means "absent" to the caller; the API server's field sets turn absence into a
    /// per-field default, and that mapping belongs to the selector layer: most fields default
    /// to `""`, but pods' `spec.hostNetwork` defaults to `"false"`, and events' `source` is
    /// `source.component`. Pods' `status.podIPs` is a special case worth knowing: the API
    /// server accepts it as a field label (pkg/apis/core/v1/conversion.go) but its
    /// `ToSelectableFields` (pkg/registry/core/pod/strategy.go) never sets it, so on the real
    /// server it always evaluates to `""` — which is what nil for an array gives here.
    /// (`status.podIP` is `status.podIPs[0].ip` on the server; the v1 JSON's `status.podIP`
    /// holds the same value.)
    ///
    /// - Throws: `JSONError` on malformed JSON or a non-object, as `metadata(of:)` does.
    public static func fieldValues(_ paths: FieldPaths, in bytes: UnsafeRawBufferPointer) throws(JSONError) -> [String?] {
        var values = [String?](repeating: nil, count: paths.paths.count)
        var scanner = JSONScanner(bytes)
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.notAnObject, at: scanner.position)
        }
        try collect(&scanner, node: 0, paths: paths, depth: 1, into: &values)
        try scanner.finish()
        return values
    }

    /// `fieldValues` for paths given as strings; compiling them costs a few small allocations,
    /// so hot paths keep a `FieldPaths` per kind instead.
    public static func fieldValues(_ paths: [String], in bytes: UnsafeRawBufferPointer) throws(JSONError) -> [String?] {
        try fieldValues(FieldPaths(paths), in: bytes)
    }

    public static func fieldValues(_ paths: FieldPaths, in bytes: [UInt8]) throws(JSONError) -> [String?] {
        try withBytes(bytes) { (raw) throws(JSONError) in try fieldValues(paths, in: raw) }
    }

    public static func fieldValues(_ paths: FieldPaths, in bytes: ArraySlice<UInt8>) throws(JSONError) -> [String?] {
        try withBytes(bytes) { (raw) throws(JSONError) in try fieldValues(paths, in: raw) }
    }

    public static func fieldValues(_ paths: [String], in bytes: [UInt8]) throws(JSONError) -> [String?] {
        try fieldValues(FieldPaths(paths), in: bytes)
    }

    public static func fieldValues(_ paths: [String], in bytes: ArraySlice<UInt8>) throws(JSONError) -> [String?] {
        try fieldValues(FieldPaths(paths), in: bytes)
    }

    /// Walks the object under the cursor, which `node` of the trie describes.
    private static func collect(
        _ scanner: inout JSONScanner, node: Int, paths: FieldPaths, depth: Int, into values: inout [String?]
    ) throws(JSONError) {
        try scanner.enterContainer(depth: depth)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            if let child = paths.child(of: node, matching: key, in: scanner) {
                try collectMember(&scanner, node: child, paths: paths, depth: depth, into: &values)
            } else {
                try scanner.skipValue(depth: depth)
            }
        }
    }

    /// Consumes the member value under the cursor, which trie node `node` describes: descends
    /// into it, renders it into the node's result slots, or skips it. `depth` is the nesting
    /// level of the object holding the member.
    static func collectMember(
        _ scanner: inout JSONScanner, node: Int, paths: FieldPaths, depth: Int, into values: inout [String?]
    ) throws(JSONError) {
        if !paths.nodes[node].children.isEmpty, try scanner.peekSignificant() == UInt8(ascii: "{") {
            try collect(&scanner, node: node, paths: paths, depth: depth + 1, into: &values)
        } else if !paths.nodes[node].outputs.isEmpty {
            // A repeated key overrides earlier values, as in Go; a null leaves them.
            if let rendered = try renderScalar(&scanner, depth: depth) {
                for output in paths.nodes[node].outputs { values[output] = rendered }
            }
        } else {
            try scanner.skipValue(depth: depth)
        }
    }

    /// Consumes the value under the cursor; returns its selector rendering for strings,
    /// booleans and numbers, nil (value consumed) for null, objects and arrays.
    private static func renderScalar(_ scanner: inout JSONScanner, depth: Int) throws(JSONError) -> String? {
        switch try scanner.peekSignificant() {
        case UInt8(ascii: "\""):
            return scanner.string(try scanner.scanString())
        case UInt8(ascii: "t"):
            try scanner.scanLiteral("true")
            return "true"
        case UInt8(ascii: "f"):
            try scanner.scanLiteral("false")
            return "false"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try scanner.scanNumber()
            return String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
        default:
            try scanner.skipValue(depth: depth)
            return nil
        }
    }
}
