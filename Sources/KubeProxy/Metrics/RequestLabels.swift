/// The `verb`, `group` and `resource` labels of one request, read from its method and target
/// without parsing the query beyond `watch` — cheap enough to run for every request (it works
/// on the target's UTF-8 bytes and allocates only its small result).
///
/// Follows the path grammar of `RequestInfo` (the API server's `RequestInfoFactory`):
/// `/api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]` and the same under
/// `/apis/{group}/{version}`. Verbs are the Kubernetes ones, lowercase; a collection GET is
/// `list`, or `watch` with `?watch` (any value but `0`/`false`). A subresource joins its resource
/// as RBAC writes it (`pods/log`). Anything else — `/metrics`, `/version`, discovery, a segment
/// that is not a lowercase DNS name — is a non-resource request: empty group and resource, the
/// verb from the method. So label values are drawn from a small, well-formed vocabulary.
struct RequestLabels: Hashable, Sendable {
    var verb: String
    var group: String
    var resource: String

    init(verb: String, group: String = "", resource: String = "") {
        self.verb = verb
        self.group = group
        self.resource = resource
    }

    init(method: String, uri: String) {
        var uri = uri
        let labels = uri.withUTF8 { Self.resourceLabels(method: method, target: $0) }
        self = labels ?? RequestLabels(verb: Self.verb(forMethod: method) ?? "other")
    }

    private static func resourceLabels(method: String, target: UnsafeBufferPointer<UInt8>) -> RequestLabels? {
        let pathEnd = target.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex
        var segments = Segments(target[..<pathEnd])
        guard let prefix = segments.next() else { return nil }
        var group: Range<Int> = 0..<0
        if equals(target, prefix, "apis") {
            guard let groupSegment = segments.next() else { return nil }
            group = groupSegment
        } else if !equals(target, prefix, "api") {
            return nil
        }
        guard segments.next() != nil, var resource = segments.next() else { return nil }  // version
        let watchInPath = equals(target, resource, "watch")
        if watchInPath {
            guard let next = segments.next() else { return nil }
            resource = next
        }
        guard var verb = watchInPath ? "watch" : Self.verb(forMethod: method) else { return nil }
        var name = segments.next()
        // `/namespaces/{ns}/{resource}`, but `/namespaces/{name}/status` is the namespace's own.
        if equals(target, resource, "namespaces"), name != nil, let next = segments.peek(),
           !equals(target, next, "status"), !equals(target, next, "finalize") {
            resource = segments.next()!
            name = segments.next()
        }
        let subresource = name == nil ? nil : segments.next()
        guard isName(target, group, allowEmpty: true), isName(target, resource, allowEmpty: false) else { return nil }
        var resourceLabel = string(target, resource)
        if let subresource {
            guard isName(target, subresource, allowEmpty: false) else { return nil }
            resourceLabel += "/" + string(target, subresource)
        }
        if name == nil && !watchInPath {
            if verb == "get" { verb = isWatch(target[pathEnd...]) ? "watch" : "list" }
            if verb == "delete" { verb = "deletecollection" }
        }
        return RequestLabels(verb: verb, group: string(target, group), resource: resourceLabel)
    }

    /// The non-empty `/`-separated segments of a path, as ranges of the target.
    private struct Segments {
        let path: Slice<UnsafeBufferPointer<UInt8>>
        var position: Int

        init(_ path: Slice<UnsafeBufferPointer<UInt8>>) {
            self.path = path
            position = path.startIndex
        }

        mutating func next() -> Range<Int>? {
            while position < path.endIndex && path[position] == UInt8(ascii: "/") { position += 1 }
            guard position < path.endIndex else { return nil }
            let start = position
            while position < path.endIndex && path[position] != UInt8(ascii: "/") { position += 1 }
            return start..<position
        }

        func peek() -> Range<Int>? {
            var copy = self
            return copy.next()
        }
    }

    /// True when the query (`?` included) has `watch` with a value other than `0` or `false`.
    private static func isWatch(_ query: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let target = query.base
        var start = query.startIndex + 1
        while start < query.endIndex {
            let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.endIndex
            let equalsSign = query[start..<end].firstIndex(of: UInt8(ascii: "="))
            if equals(target, start..<(equalsSign ?? end), "watch") {
                guard let equalsSign else { return true }
                let value = (equalsSign + 1)..<end
                return !equals(target, value, "0") && !equals(target, value, "false", ignoringCase: true)
            }
            start = end + 1
        }
        return false
    }

    private static func equals(
        _ target: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString, ignoringCase: Bool = false
    ) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for (offset, expected) in bytes.enumerated() {
            var byte = target[range.lowerBound + offset]
            if ignoringCase && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
            if byte != expected { return false }
        }
        return true
    }

    /// Lowercase letters, digits, `-` and `.`, at most 253 bytes: what resource and group
    /// names are made of.
    private static func isName(_ target: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, allowEmpty: Bool) -> Bool {
        if range.isEmpty { return allowEmpty }
        guard range.count <= 253 else { return false }
        for byte in target[range] {
            let valid = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            if !valid { return false }
        }
        return true
    }

    private static func string(_ target: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: target[range]), as: UTF8.self)
    }

    private static func verb(forMethod method: String) -> String? {
        switch method {
        case "GET", "HEAD": "get"
        case "POST": "create"
        case "PUT": "update"
        case "PATCH": "patch"
        case "DELETE": "delete"
        default: nil
        }
    }
}
