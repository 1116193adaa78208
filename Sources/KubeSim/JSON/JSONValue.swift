/// A parsed JSON document that keeps object members in their written order and numbers as
/// their written text.
///
/// KubeSim parses only on writes (create, update, patch) and re-encodes once; reads serve the
/// stored bytes. Keeping member order lets a built-in object keep the order its author gave
/// (the API server's typed encoding has a fixed order; see `ObjectCodec`), and keeping number
/// text keeps 64-bit integers exact. Value type: freely shared between tasks.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written (`42`, `-1.5e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// An integer number's value, when it is one.
    var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// A short name of the value's JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The value at a dotted path of object members (`spec.nodeName`), if every step exists.
    func value(atPath path: some Collection<Substring>) -> JSONValue? {
        var current = self
        for component in path {
            guard let object = current.objectValue, let next = object[String(component)] else { return nil }
            current = next
        }
        return current
    }
}

/// A JSON object: members in order, keys unique. Lookups are linear, which is fastest for the
/// handful of members Kubernetes objects have at each level.
struct JSONObject: Sendable, Equatable, Sequence {
    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
    }

    private(set) var members: [Member] = []

    init() {}

    init(_ members: [(String, JSONValue)]) {
        for (key, value) in members { self[key] = value }
    }

    var isEmpty: Bool { members.isEmpty }
    var count: Int { members.count }
    var keys: [String] { members.map(\.key) }

    func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// Gets a member; setting nil removes it, setting a new key appends it.
    subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Puts the members named in `order` first, in that order; the rest keep their order.
    mutating func moveToFront(_ order: [String]) {
        var reordered: [Member] = []
        reordered.reserveCapacity(members.count)
        for key in order {
            if let member = members.first(where: { $0.key == key }) { reordered.append(member) }
        }
        for member in members where !order.contains(member.key) { reordered.append(member) }
        members = reordered
    }

    /// Sorts the members by key (keys are unique, so the order is total).
    mutating func sortByKey() {
        members.sort { $0.key < $1.key }
    }

    /// The string member `key`, or nil when absent or not a string.
    func string(_ key: String) -> String? { self[key]?.stringValue }

    /// The object member `key`, or nil.
    func object(_ key: String) -> JSONObject? { self[key]?.objectValue }
}
