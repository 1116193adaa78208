import KubeAPI

/// `LabelSelector(parsing:)` and `matches`. Input: the selector on the first line, then
/// `key=value` lines: the labels to match it against.
///
/// Invariants, beyond "no trap":
/// - A rejection is a `400 BadRequest` with a message.
/// - What parses is valid as apimachinery validates it (`LabelRules`): label keys and values
///   well formed, the number of values the operator takes, integers for `gt`/`lt`.
/// - Round trip: the canonical `description` parses to an equal selector, and so again.
/// - `matches` agrees with the documented semantics evaluated independently (missing keys
///   match `!=`, `notin` and `!`; `gt`/`lt` compare `Int64`s), and with the re-parsed
///   selector's.
enum LabelSelectorTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let (text, lines) = FuzzText.lines(bytes)
        let selector: LabelSelector
        do throws(Status) {
            selector = try LabelSelector(parsing: text)
        } catch {
            try expect(error.code == 400 && error.reason == .badRequest && !error.message.isEmpty, "rejected \(show(text)) with \(error)")
            return
        }
        for requirement in selector.requirements {
            try expect(LabelRules.isValid(requirement), "\(show(text)) parsed to an invalid requirement \(requirement)")
        }
        let canonical = selector.description
        guard let again = try? LabelSelector(parsing: canonical) else {
            throw InvariantViolation("canonical form \(show(canonical)) of \(show(text)) does not parse")
        }
        try expect(again == selector && again.description == canonical, "\(show(text)) → \(show(canonical)) → \(again)")

        var pairs: [String: String] = [:]
        for (key, value) in FuzzText.pairs(lines) { pairs[key] = value }
        let labels = Labels(pairs)
        let expected = selector.requirements.allSatisfy { LabelRules.matches($0, pairs) }
        try expect(selector.matches(labels) == expected && again.matches(labels) == expected,
                   "\(show(text)) matches \(labels): \(selector.matches(labels)), expected \(expected)")
        for requirement in selector.requirements {
            try expect(requirement.matches(labels) == LabelRules.matches(requirement, pairs), "\(requirement) on \(labels)")
        }
    }
}
