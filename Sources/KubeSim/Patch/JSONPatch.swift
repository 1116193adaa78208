import KubeAPI

/// JSON patch (RFC 6902), the `application/json-patch+json` patch type: `add`, `remove`,
/// `replace`, `move`, `copy` and `test` on RFC 6901 pointers.
///
/// A malformed patch document is a 400; an operation that cannot apply (missing path, failed
/// `test`) is a 422, as the API server answers. Pure function over values.
enum JSONPatch {
    static func apply(_ patch: JSONValue, to document: JSONValue) throws(Status) -> JSONValue {
        guard let operations = patch.arrayValue else {
            throw Status.badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type jsonpatch.Patch")
        }
        var document = document
        for operation in operations {
            guard let object = operation.objectValue, let op = object.string("op") else {
                throw Status.badRequest("Unexpected kind: missing op")
            }
            func path(_ key: String) throws(Status) -> [String] {
                guard let text = object.string(key) else { throw unprocessable("missing \(key)") }
                return try pointer(text)
            }
            switch op {
            case "add":
                guard let value = object["value"] else { throw unprocessable("missing value") }
                document = try add(value, at: path("path"), in: document)
            case "remove":
                document = try remove(at: path("path"), in: document).document
            case "replace":
                guard let value = object["value"] else { throw unprocessable("missing value") }
                let target = try path("path")
                _ = try get(target, in: document)
                document = try remove(at: target, in: document).document
                document = try add(value, at: target, in: document)
            case "move":
                let (rest, value) = try remove(at: path("from"), in: document)
                document = try add(value, at: path("path"), in: rest)
            case "copy":
                let value = try get(path("from"), in: document)
                document = try add(value, at: path("path"), in: document)
            case "test":
                let target = try path("path")
                let actual = try? get(target, in: document)
                if actual != (object["value"] ?? .null) {
                    throw unprocessable("testing value \(object.string("path") ?? "") failed: test failed")
                }
            default:
                throw Status.badRequest("Unexpected kind: \(op)")
            }
        }
        return document
    }

    private static func unprocessable(_ message: String) -> Status {
        Status(code: 422, reason: .invalid, message: message)
    }

    private static func pointer(_ text: String) throws(Status) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw unprocessable("JSON pointer must be empty or start with a \"/\": \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ path: [String], in document: JSONValue) throws(Status) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))") }
                current = next
            case .array(let array):
                guard let index = Int(token), array.indices.contains(index) else {
                    throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))")
                }
                current = array[index]
            default:
                throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))")
            }
        }
        return current
    }

    private static func add(_ value: JSONValue, at path: [String], in document: JSONValue) throws(Status) -> JSONValue {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            if rest.isEmpty {
                object[token] = value
            } else {
                guard let child = object[token] else { throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))") }
                object[token] = try add(value, at: rest, in: child)
            }
            return .object(object)
        case .array(var array):
            if rest.isEmpty {
                if token == "-" {
                    array.append(value)
                } else if let index = Int(token), index >= 0, index <= array.count {
                    array.insert(value, at: index)
                } else {
                    throw unprocessable("Unable to access invalid index: \(token)")
                }
            } else {
                guard let index = Int(token), array.indices.contains(index) else {
                    throw unprocessable("Unable to access invalid index: \(token)")
                }
                array[index] = try add(value, at: rest, in: array[index])
            }
            return .array(array)
        default:
            throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))")
        }
    }

    private static func remove(at path: [String], in document: JSONValue) throws(Status) -> (document: JSONValue, removed: JSONValue) {
        guard let token = path.first else { throw unprocessable("cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            guard let child = object[token] else { throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))") }
            if rest.isEmpty {
                object[token] = nil
                return (.object(object), child)
            }
            let (updated, removed) = try remove(at: rest, in: child)
            object[token] = updated
            return (.object(object), removed)
        case .array(var array):
            guard let index = Int(token), array.indices.contains(index) else {
                throw unprocessable("Unable to remove nonexistent index: \(token)")
            }
            if rest.isEmpty {
                let removed = array.remove(at: index)
                return (.array(array), removed)
            }
            let (updated, removed) = try remove(at: rest, in: array[index])
            array[index] = updated
            return (.array(array), removed)
        default:
            throw unprocessable("doc is missing path: /\(path.joined(separator: "/"))")
        }
    }
}
