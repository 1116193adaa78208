/// A parser returned something its contract rules out: the finding of a fuzz target that did
/// not crash.
///
/// Thrown (typed) by every check in this module, so the corpus tests can report the input and
/// the broken promise as an ordinary test failure; the libFuzzer driver turns it into a
/// `fatalError`, which libFuzzer records as a crash with the input that caused it.
public struct InvariantViolation: Error, CustomStringConvertible, Sendable {
    /// What was expected and what was found, with the values involved.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "invariant violated: \(message)" }
}

/// Throws `InvariantViolation(message)` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
    if !condition { throw InvariantViolation(message()) }
}

/// Renders bytes for a violation message: as text when printable ASCII, escaped otherwise,
/// cut to a readable length.
func show(_ bytes: some Collection<UInt8>) -> String {
    var out = ""
    for byte in bytes.prefix(300) {
        if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
            out.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            out += "\\x" + String(byte, radix: 16)
        }
    }
    return bytes.count > 300 ? out + "…(\(bytes.count) bytes)" : out
}

/// Renders a string for a violation message, with invisible characters made visible.
func show(_ text: String) -> String {
    show(Array(text.utf8))
}
