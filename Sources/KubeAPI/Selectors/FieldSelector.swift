/// A parsed field selector (`metadata.name=x,status.phase!=Running`): an AND of equality and
/// inequality terms on an object's selectable fields, with apimachinery's grammar, errors,
/// canonical form and matching.
///
/// Contract:
/// - `init(parsing:)` accepts exactly what `fields.ParseSelector` accepts (values may escape
///   `\`, `,` and `=` with `\`) and throws `400 BadRequest` with its message otherwise. Terms
///   are kept in apimachinery's order (the raw terms sorted by bytes); a term with an empty
///   field and an empty value (`=`) selects everything and is dropped, as in Go.
/// - Parsing checks syntax only. Which fields a kind supports is checked by
///   `validated(for:customFields:namespaced:)`, which the API server does after the query's
///   other checks (and answers `400` for an unsupported field).
/// - `matches(_:)` allocates nothing; a field the object lacks reads as `""`, so
///   `spec.nodeName=` selects unscheduled pods.
/// - A value type; safe to share between tasks.
public struct FieldSelector: Hashable, Sendable, CustomStringConvertible {
    /// The comparison of a term; `=` and `==` mean the same.
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
    }

    /// One term: a field path, an operator and the (unescaped) value.
    public struct Requirement: Hashable, Sendable, CustomStringConvertible {
        public var field: String
        public var op: Operator
        public var value: String

        public init(field: String, op: Operator, value: String) {
            self.field = field
            self.op = op
            self.value = value
        }

        /// Whether a field whose value is `actual` (`""` when absent) satisfies the term. Bytes
        /// are compared, as Go compares strings: `caf\u{e9}` does not match `cafe\u{301}`.
        @inlinable
        public func matches(_ actual: String) -> Bool {
            actual.utf8.elementsEqual(value.utf8) != (op == .notEquals)
        }

        /// apimachinery's form: `field=value` (also for `==`) or `field!=value`, with `\`, `,`
        /// and `=` in the value escaped.
        public var description: String {
            field + (op == .notEquals ? "!=" : "=") + FieldSelector.escape(value)
        }
    }

    /// The terms; all must hold.
    public var requirements: [Requirement]

    /// The selector that matches every object (the empty string).
    public static let everything = FieldSelector(requirements: [])

    /// A selector from terms, kept in the order given.
    public init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// Whether the selector places no restriction.
    public var isEverything: Bool { requirements.isEmpty }

    /// The distinct field paths the terms refer to, in order of first use: what a matcher must
    /// extract from each object.
    public var fields: [String] {
        var seen: [String] = []
        for requirement in requirements where !seen.contains(requirement.field) {
            seen.append(requirement.field)
        }
        return seen
    }

    /// Whether an object satisfies every term. `value(field)` returns the object's value of
    /// `field` rendered as text (`SelectableFields.valueSource(of:for:)` says where it lives
    /// and what it reads as when absent), or nil when absent, which compares as `""`.
    /// Allocates nothing itself.
    @inlinable
    public func matches(_ value: (String) -> String?) -> Bool {
        for requirement in requirements where !requirement.matches(value(requirement.field) ?? "") {
            return false
        }
        return true
    }

    /// The value of the first `field=value` (or `==`) term on `field`, as apimachinery's
    /// `RequiresExactMatch`: `exactValue(of: "metadata.name")` names the single object a
    /// LIST or WATCH is about. `!=` terms never count.
    public func exactValue(of field: String) -> String? {
        requirements.first { $0.field == field && $0.op != .notEquals }?.value
    }

    /// The canonical string form (apimachinery's `String()`): terms joined by `,`; `""` for
    /// `everything`.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// Escapes `\`, `,` and `=` with a backslash (`fields.EscapeValue`).
    public static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "=") }) else {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count + 4)
        for character in value.unicodeScalars {
            if character == "\\" || character == "," || character == "=" { out += "\\" }
            out.unicodeScalars.append(character)
        }
        return out
    }
}
