/// The tokenizer of label selector text, reproducing apimachinery's `labels.Lexer` byte for byte
/// (including its quirks: a NUL byte reads as end of input, `==` and `!=` are the only
/// two-character operators, `in`/`notin` are keywords only where an operator may stand).
///
/// `tokens(of:)` returns every token up to and including `.endOfString`.
struct LabelSelectorLexer {
    /// A token kind; `literal` carries the text (meaningful for identifiers, and quoted in errors).
    enum Kind: Hashable {
        case endOfString, closedParen, comma, doesNotExist, doubleEquals, equals, greaterThan
        case identifier, `in`, lessThan, notEquals, notIn, openParen
        /// Go's `ErrorToken`; unreachable in practice (every single special symbol is a token).
        case error
    }

    /// One token and the text it was read from.
    struct Token: Hashable {
        var kind: Kind
        var literal: String
    }

    private let bytes: [UInt8]
    private var position = 0

    private init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// All tokens of `text`, ending with `.endOfString`.
    static func tokens(of text: String) -> [Token] {
        var lexer = LabelSelectorLexer(text)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .endOfString { return tokens }
        }
    }

    /// Go's `read`: the next byte, or 0 at the end (without advancing).
    private mutating func read() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func unread() {
        position -= 1
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    private static func isSpecialSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default:
            return false
        }
    }

    /// The token spelled exactly `text`, if any (Go's `string2token`).
    private static func keyword(_ text: [UInt8]) -> Kind? {
        switch String(decoding: text, as: UTF8.self) {
        case ")": .closedParen
        case ",": .comma
        case "!": .doesNotExist
        case "==": .doubleEquals
        case "=": .equals
        case ">": .greaterThan
        case "in": .in
        case "<": .lessThan
        case "!=": .notEquals
        case "notin": .notIn
        case "(": .openParen
        default: nil
        }
    }

    private mutating func next() -> Token {
        var byte = read()
        while LabelSelectorLexer.isWhitespace(byte) { byte = read() }
        if byte == 0 { return Token(kind: .endOfString, literal: "") }
        unread()
        return LabelSelectorLexer.isSpecialSymbol(byte) ? scanSpecialSymbol() : scanIdentifierOrKeyword()
    }

    /// Everything up to whitespace, a special symbol or the end; `in` and `notin` are keywords.
    private mutating func scanIdentifierOrKeyword() -> Token {
        var buffer: [UInt8] = []
        while true {
            let byte = read()
            if byte == 0 { break }
            if LabelSelectorLexer.isSpecialSymbol(byte) || LabelSelectorLexer.isWhitespace(byte) {
                unread()
                break
            }
            buffer.append(byte)
        }
        let literal = String(decoding: buffer, as: UTF8.self)
        if let kind = LabelSelectorLexer.keyword(buffer), kind == .in || kind == .notIn {
            return Token(kind: kind, literal: literal)
        }
        return Token(kind: .identifier, literal: literal)
    }

    /// The longest run of special symbols that spells an operator, stopping at the first symbol
    /// that would not extend a match.
    private mutating func scanSpecialSymbol() -> Token {
        var buffer: [UInt8] = []
        var last: Token?
        while true {
            let byte = read()
            if byte == 0 { break }
            guard LabelSelectorLexer.isSpecialSymbol(byte) else {
                unread()
                break
            }
            buffer.append(byte)
            if let kind = LabelSelectorLexer.keyword(buffer) {
                last = Token(kind: kind, literal: String(decoding: buffer, as: UTF8.self))
            } else if last != nil {
                unread()
                break
            }
        }
        return last ?? Token(kind: .error, literal: "error expected: keyword found '\(String(decoding: buffer, as: UTF8.self))'")
    }
}
