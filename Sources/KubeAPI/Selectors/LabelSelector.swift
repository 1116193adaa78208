/// A parsed label selector (`app=web,tier in (a,b),!legacy`): an AND of requirements on an
/// object's labels, with apimachinery's grammar, errors, canonical form and matching.
///
/// Contract:
/// - `init(parsing:)` accepts exactly what `labels.Parse` accepts and throws `400 BadRequest`
///   with its message otherwise. Requirements are kept sorted by key (byte order, stable), and
///   each requirement's values sorted and de-duplicated, as apimachinery does, so equal
///   selectors compare and hash equal and `description` is canonical.
/// - `matches(_:)` is the hot path of every cached LIST and watch: it allocates nothing, looks
///   each key up by binary search in `Labels`, and stops at the first requirement that fails.
///   `!=` and `notin` match objects without the key; `>` and `<` compare base-10 `Int64`s and
///   never match a value that is not one.
/// - A value type; safe to share between tasks.
public struct LabelSelector: Hashable, Sendable, CustomStringConvertible {
    /// The relation a requirement states; raw values are apimachinery's `selection.Operator`.
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = "gt"
        case lessThan = "lt"
    }

    /// One condition on one label key.
    public struct Requirement: Hashable, Sendable, CustomStringConvertible {
        public var key: String
        public var op: Operator
        /// The values, sorted in byte order (one for `=`, `==`, `!=`, `>`, `<`; none for
        /// `exists` and `!`).
        public var values: [String]

        /// A requirement as given; `values` are sorted. No validation is done: use
        /// `LabelSelector(parsing:)` for untrusted input.
        public init(key: String, op: Operator, values: [String] = []) {
            self.key = key
            self.op = op
            self.values = values.sorted(by: LabelSelector.byteOrder)
        }

        /// Whether `labels` satisfy this requirement.
        public func matches(_ labels: Labels) -> Bool {
            switch op {
            case .equals, .doubleEquals, .in:
                guard let value = labels[key] else { return false }
                return values.contains(value)
            case .notEquals, .notIn:
                guard let value = labels[key] else { return true }
                return !values.contains(value)
            case .exists:
                return labels[key] != nil
            case .doesNotExist:
                return labels[key] == nil
            case .greaterThan, .lessThan:
                guard values.count == 1, let value = labels[key],
                      let actual = GoText.int64(value), let bound = GoText.int64(values[0]) else { return false }
                return op == .greaterThan ? actual > bound : actual < bound
            }
        }

        /// apimachinery's `Requirement.String()`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
        /// `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`.
        public var description: String {
            switch op {
            case .exists: return key
            case .doesNotExist: return "!" + key
            case .equals: return key + "=" + joinedValues
            case .doubleEquals: return key + "==" + joinedValues
            case .notEquals: return key + "!=" + joinedValues
            case .greaterThan: return key + ">" + joinedValues
            case .lessThan: return key + "<" + joinedValues
            case .in: return key + " in (" + joinedValues + ")"
            case .notIn: return key + " notin (" + joinedValues + ")"
            }
        }

        private var joinedValues: String {
            values.count == 1 ? values[0] : values.sorted(by: LabelSelector.byteOrder).joined(separator: ",")
        }
    }

    /// The requirements, sorted by key; all must hold.
    public var requirements: [Requirement]

    /// The selector that matches every object (the empty string).
    public static let everything = LabelSelector(requirements: [])

    /// A selector from requirements, which are put in key order (stable for equal keys).
    public init(requirements: [Requirement]) {
        self.requirements = LabelSelector.sortedByKey(requirements)
    }

    /// Whether the selector places no restriction.
    public var isEverything: Bool { requirements.isEmpty }

    /// Whether `labels` satisfy every requirement. Allocates nothing.
    public func matches(_ labels: Labels) -> Bool {
        for requirement in requirements where !requirement.matches(labels) {
            return false
        }
        return true
    }

    /// The canonical string form (apimachinery's `String()`): requirements joined by `,`;
    /// `""` for `everything`.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// The value a selector requires `key` to have exactly (`key=v`, `key==v` or
    /// `key in (v)`), as apimachinery's `RequiresExactMatch`.
    public func exactValue(of key: String) -> String? {
        guard let requirement = requirements.first(where: { $0.key == key }) else { return nil }
        switch requirement.op {
        case .equals, .doubleEquals, .in:
            return requirement.values.count == 1 ? requirement.values[0] : nil
        default:
            return nil
        }
    }

    // MARK: Ordering

    /// Go's string order: by UTF-8 bytes.
    static func byteOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Stable sort by key in byte order (Go sorts the few requirements of a selector with an
    /// insertion sort, which is stable).
    static func sortedByKey(_ requirements: [Requirement]) -> [Requirement] {
        requirements.enumerated().sorted { lhs, rhs in
            if byteOrder(lhs.element.key, rhs.element.key) { return true }
            if byteOrder(rhs.element.key, lhs.element.key) { return false }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
