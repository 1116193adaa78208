import KubeAPI

/// `FieldSelector(parsing:)`, `matches`, `exactValue` and `validated`. Input: the selector on
/// the first line, then `field=value` lines: the object's field values.
///
/// Invariants, beyond "no trap":
/// - A rejection is a `400 BadRequest` with a message; so is a failed `validated`.
/// - Round trip: the canonical `description` parses to the same terms (as a set: the parser
///   orders terms by their raw text, which canonical escaping can change), and after one
///   round the canonical text is stable.
/// - Every value survives `escape` and parsing; no term has both field and value empty.
/// - `matches` agrees with the documented semantics (an absent field reads as `""`, values
///   compared as bytes) and with the re-parsed selector's; `exactValue` is the first `=`/`==` term's value.
enum FieldSelectorTarget {
    static let kinds = [
        GroupVersionResource(group: "", version: "v1", resource: "pods"),
        GroupVersionResource(group: "", version: "v1", resource: "nodes"),
        GroupVersionResource(group: "batch", version: "v1", resource: "jobs"),
        GroupVersionResource(group: "apps", version: "v1", resource: "deployments"),
    ]

    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let (text, lines) = FuzzText.lines(bytes)
        let selector: FieldSelector
        do throws(Status) {
            selector = try FieldSelector(parsing: text)
        } catch {
            try expect(error.code == 400 && error.reason == .badRequest && !error.message.isEmpty, "rejected \(show(text)) with \(error)")
            return
        }
        let canonical = selector.description
        guard let again = try? FieldSelector(parsing: canonical) else {
            throw InvariantViolation("canonical form \(show(canonical)) of \(show(text)) does not parse")
        }
        try expect(terms(again) == terms(selector), "\(show(text)) → \(show(canonical)) → \(again)")
        try expect((try? FieldSelector(parsing: again.description)).map { Array($0.description.utf8) } == Array(again.description.utf8),
                   "canonical form of \(show(canonical)) is not stable")
        for term in selector.requirements {
            try expect(!(term.field.isEmpty && term.value.isEmpty), "an empty term survived in \(show(text))")
            let single = try? FieldSelector(parsing: "f=" + FieldSelector.escape(term.value))
            try expect(single?.requirements.first.map { Array($0.value.utf8) } == Array(term.value.utf8),
                       "value \(show(term.value)) does not survive escaping")
        }

        var values: [String: String] = [:]
        for (field, value) in FuzzText.pairs(lines) { values[field] = value }
        let expected = selector.requirements.allSatisfy { term in
            let actual = values[term.field] ?? ""
            // Bytes, as Go compares strings (`String ==` is canonical equivalence).
            return Array(actual.utf8) == Array(term.value.utf8) ? term.op != .notEquals : term.op == .notEquals
        }
        try expect(selector.matches { values[$0] } == expected && again.matches { values[$0] } == expected,
                   "\(show(text)) on \(values): expected \(expected)")
        for field in selector.fields {
            let first = selector.requirements.first { $0.field == field && $0.op != .notEquals }
            try expect(selector.exactValue(of: field) == first?.value, "exactValue(of: \(show(field)))")
        }
        for kind in kinds {
            do throws(Status) {
                _ = try selector.validated(for: kind)
                _ = try selector.validated(for: kind, customFields: [".spec.color", "status.phase"], namespaced: kind.resource != "nodes")
            } catch {
                try expect(error.code == 400 && !error.message.isEmpty, "validated(for: \(kind)) failed with \(error)")
            }
        }
    }

    /// The terms' bytes as a sorted list, with `==` written `=`.
    private static func terms(_ selector: FieldSelector) -> [[UInt8]] {
        selector.requirements.map { Array($0.description.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
