import KubeAPI

/// A parsed label selector (`a=b,c!=d,e in (x,y),!f,g>3`): every requirement must match.
///
/// Interim implementation behind `Selectors` until KubeAPI's `LabelSelector` is available;
/// same grammar and semantics (`!=` and `notin` match objects lacking the key).
struct LabelMatcher: Sendable {
    enum Operator: Sendable { case equals, notEquals, isIn, notIn, exists, doesNotExist, greaterThan, lessThan }

    struct Requirement: Sendable {
        var key: String
        var op: Operator
        var values: [String]
    }

    var requirements: [Requirement] = []

    init(parsing text: String) throws(Status) {
        for term in LabelMatcher.splitTerms(text) {
            requirements.append(try LabelMatcher.parseTerm(term, whole: text))
        }
    }

    func matches(_ labels: Labels) -> Bool {
        for requirement in requirements {
            let value = labels[requirement.key]
            switch requirement.op {
            case .equals: if value != requirement.values[0] { return false }
            case .notEquals: if value == requirement.values[0] { return false }
            case .isIn: guard let value, requirement.values.contains(value) else { return false }
            case .notIn: if let value, requirement.values.contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            case .greaterThan, .lessThan:
                guard let value, let number = Int64(value), let bound = Int64(requirement.values[0]) else { return false }
                if requirement.op == .greaterThan ? !(number > bound) : !(number < bound) { return false }
            }
        }
        return true
    }

    /// Splits at commas outside parentheses.
    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                terms.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        terms.append(current)
        return terms.map(\.trimmingSpaces)
    }

    private static func parseTerm(_ term: String, whole: String) throws(Status) -> Requirement {
        func fail() -> Status { Status.badRequest("unable to parse requirement: found '\(term)', expected: valid label selector in '\(whole)'") }
        guard !term.isEmpty else { throw fail() }
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingSpaces
            guard isValidKey(key) else { throw fail() }
            return Requirement(key: key, op: .doesNotExist, values: [])
        }
        for (token, op) in [("!=", Operator.notEquals), ("==", .equals), ("=", .equals), (">", .greaterThan), ("<", .lessThan)] {
            if let range = term.range(of: token) {
                let key = String(term[..<range.lowerBound]).trimmingSpaces
                let value = String(term[range.upperBound...]).trimmingSpaces
                guard isValidKey(key), isValidValue(value) else { throw fail() }
                if op == .greaterThan || op == .lessThan, Int64(value) == nil { throw fail() }
                return Requirement(key: key, op: op, values: [value])
            }
        }
        let words = term.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let key = words[0]
            var rest = words[1].trimmingSpaces
            let op: Operator
            if rest.hasPrefix("notin") { op = .notIn; rest = String(rest.dropFirst(5)) }
            else if rest.hasPrefix("in") { op = .isIn; rest = String(rest.dropFirst(2)) }
            else { throw fail() }
            rest = rest.trimmingSpaces
            guard rest.hasPrefix("("), rest.hasSuffix(")"), isValidKey(key) else { throw fail() }
            let values = rest.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0).trimmingSpaces }
            guard values.allSatisfy(isValidValue) else { throw fail() }
            return Requirement(key: key, op: op, values: values)
        }
        guard isValidKey(term) else { throw fail() }
        return Requirement(key: term, op: .exists, values: [])
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 316 && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }

    private static func isValidValue(_ value: String) -> Bool {
        value.count <= 63 && value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }
}
