/// The recursive-descent parser of label selectors, following apimachinery's `labels.Parser`
/// step for step so that the same inputs fail with the same messages:
///
/// ```
/// selector    ::= requirement | requirement "," selector
/// requirement ::= ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
/// values      ::= VALUE | VALUE "," values        (empty values allowed: "()", "(,a)")
/// ```
///
/// Errors inside a requirement are prefixed `unable to parse requirement: `, as in Go.
struct LabelSelectorParser {
    typealias Token = LabelSelectorLexer.Token
    typealias Requirement = LabelSelector.Requirement

    /// A parse failure carrying apimachinery's message.
    struct Failure: Error {
        var message: String
    }

    /// In the values context `in` and `notin` are ordinary identifiers (`a in (in)`).
    private enum Context { case keyAndOperator, values }

    private let tokens: [Token]
    private var position = 0

    private init(_ text: String) {
        tokens = LabelSelectorLexer.tokens(of: text)
    }

    /// The requirements of `text` in the order written.
    static func parse(_ text: String) throws(Failure) -> [Requirement] {
        var parser = LabelSelectorParser(text)
        return try parser.parseSelector()
    }

    private func lookahead(_ context: Context) -> Token {
        adjusted(tokens[min(position, tokens.count - 1)], context)
    }

    private mutating func consume(_ context: Context) -> Token {
        let token = tokens[min(position, tokens.count - 1)]
        position += 1
        return adjusted(token, context)
    }

    private func adjusted(_ token: Token, _ context: Context) -> Token {
        guard context == .values, token.kind == .in || token.kind == .notIn else { return token }
        return Token(kind: .identifier, literal: token.literal)
    }

    private mutating func parseSelector() throws(Failure) -> [Requirement] {
        var requirements: [Requirement] = []
        while true {
            let token = lookahead(.values)
            switch token.kind {
            case .identifier, .doesNotExist:
                do {
                    requirements.append(try parseRequirement())
                } catch {
                    throw Failure(message: "unable to parse requirement: " + error.message)
                }
                let separator = consume(.values)
                switch separator.kind {
                case .endOfString:
                    return requirements
                case .comma:
                    let next = lookahead(.values)
                    if next.kind != .identifier && next.kind != .doesNotExist {
                        throw Failure(message: "found '\(next.literal)', expected: identifier after ','")
                    }
                default:
                    throw Failure(message: "found '\(separator.literal)', expected: ',' or 'end of string'")
                }
            case .endOfString:
                return requirements
            default:
                throw Failure(message: "found '\(token.literal)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(Failure) -> Requirement {
        let (key, inferred) = try parseKeyAndInferOperator()
        if let inferred {
            return try LabelSelectorParser.makeRequirement(key: key, op: inferred, values: [])
        }
        let op = try parseOperator()
        let values: [String]
        switch op {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        return try LabelSelectorParser.makeRequirement(key: key, op: op, values: values)
    }

    /// The key, and `exists`/`doesNotExist` when the requirement ends after it (or starts with
    /// `!`, which never takes an operator).
    private mutating func parseKeyAndInferOperator() throws(Failure) -> (String, LabelSelector.Operator?) {
        var op: LabelSelector.Operator?
        var token = consume(.values)
        if token.kind == .doesNotExist {
            op = .doesNotExist
            token = consume(.values)
        }
        guard token.kind == .identifier else {
            throw Failure(message: "found '\(token.literal)', expected: identifier")
        }
        let problems = LabelValidation.labelKeyErrors(token.literal)
        if !problems.isEmpty {
            throw Failure(message: LabelSelectorParser.invalidValue(
                field: "<nil>", value: token.literal, detail: problems.joined(separator: "; ")))
        }
        let next = lookahead(.values).kind
        if (next == .endOfString || next == .comma) && op == nil {
            op = .exists
        }
        return (token.literal, op)
    }

    private mutating func parseOperator() throws(Failure) -> LabelSelector.Operator {
        let token = consume(.keyAndOperator)
        switch token.kind {
        case .in: return .in
        case .equals: return .equals
        case .doubleEquals: return .doubleEquals
        case .greaterThan: return .greaterThan
        case .lessThan: return .lessThan
        case .notIn: return .notIn
        case .notEquals: return .notEquals
        default:
            throw Failure(message: "found '\(token.literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
    }

    /// `( values )`; `()` is the single empty value.
    private mutating func parseValues() throws(Failure) -> [String] {
        let open = consume(.values)
        guard open.kind == .openParen else {
            throw Failure(message: "found '\(open.literal)' expected: '('")
        }
        let next = lookahead(.values)
        switch next.kind {
        case .identifier, .comma:
            let values = try parseIdentifiersList()
            if consume(.values).kind != .closedParen {
                throw Failure(message: "found '\(next.literal)', expected: ')'")
            }
            return values
        case .closedParen:
            _ = consume(.values)
            return [""]
        default:
            throw Failure(message: "found '\(next.literal)', expected: ',', ')' or identifier")
        }
    }

    /// Comma-separated, possibly empty identifiers up to (not including) `)`, as a set.
    private mutating func parseIdentifiersList() throws(Failure) -> [String] {
        var values: [String] = []
        func insert(_ value: String) {
            if !values.contains(value) { values.append(value) }
        }
        while true {
            let token = consume(.values)
            switch token.kind {
            case .identifier:
                insert(token.literal)
                let next = lookahead(.values)
                switch next.kind {
                case .comma: continue
                case .closedParen: return values
                default: throw Failure(message: "found '\(next.literal)', expected: ',' or ')'")
                }
            case .comma:
                if values.isEmpty { insert("") }
                let next = lookahead(.values).kind
                if next == .closedParen {
                    insert("")
                    return values
                }
                if next == .comma { insert("") }
            default:
                throw Failure(message: "found '\(token.literal)', expected: ',', or identifier")
            }
        }
    }

    /// The single value after `=`, `==`, `!=`, `>` or `<`; empty when the requirement ends.
    private mutating func parseExactValue() throws(Failure) -> [String] {
        let next = lookahead(.values).kind
        if next == .endOfString || next == .comma { return [""] }
        let token = consume(.values)
        guard token.kind == .identifier else {
            throw Failure(message: "found '\(token.literal)', expected: identifier")
        }
        return [token.literal]
    }

    /// apimachinery's `NewRequirement` checks on parsed values: integers for `>`/`<`, label
    /// value syntax for all; several problems aggregate as `[a, b]`.
    private static func makeRequirement(key: String, op: LabelSelector.Operator, values: [String]) throws(Failure) -> Requirement {
        let requirement = Requirement(key: key, op: op, values: values)
        var problems: [String] = []
        if op == .greaterThan || op == .lessThan {
            for (index, value) in requirement.values.enumerated() where GoText.int64(value) == nil {
                problems.append(invalidValue(field: "values[\(index)]", value: value,
                                             detail: "for 'Gt', 'Lt' operators, the value must be an integer"))
            }
        }
        for (index, value) in requirement.values.enumerated() {
            let valueProblems = LabelValidation.labelValueErrors(value)
            if !valueProblems.isEmpty {
                problems.append(invalidValue(field: "values[\(index)][\(key)]", value: value,
                                             detail: valueProblems.joined(separator: "; ")))
            }
        }
        if let message = aggregate(problems) { throw Failure(message: message) }
        return requirement
    }

    /// A `field.Invalid` error's text: `<field>: Invalid value: "<value>": <detail>`.
    static func invalidValue(field: String, value: String, detail: String) -> String {
        "\(field): Invalid value: \(GoText.quote(value)): \(detail)"
    }

    /// `utilerrors.Aggregate`'s text: one message alone, several de-duplicated in `[a, b]`.
    static func aggregate(_ messages: [String]) -> String? {
        var unique: [String] = []
        for message in messages where !unique.contains(message) { unique.append(message) }
        switch unique.count {
        case 0: return nil
        case 1: return unique[0]
        default: return "[" + unique.joined(separator: ", ") + "]"
        }
    }
}
