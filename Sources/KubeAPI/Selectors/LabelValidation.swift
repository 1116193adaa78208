/// Label key and value validation with apimachinery's exact messages (`IsLabelKey`,
/// `IsValidLabelValue`, `IsDNS1123Subdomain`), used by the label selector parser.
///
/// Each check returns the list of problems Go would return, in Go's order; an empty list means
/// valid. Lengths are in bytes, as Go's `len`.
enum LabelValidation {
    private static let labelKeyFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    private static let labelKeyMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    private static let labelValueFormat = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
    private static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    private static let subdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
    private static let subdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"

    static let labelKeyMaxLength = 63
    static let labelValueMaxLength = 63
    static let subdomainMaxLength = 253

    /// Problems with a label key: an optional DNS-subdomain prefix and `/`, then a name.
    static func labelKeyErrors(_ key: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(key.utf8)
        let name: ArraySlice<UInt8>
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
            let prefix = bytes[..<slash]
            name = bytes[(slash + 1)...]
            if name.contains(UInt8(ascii: "/")) {
                return ["a valid label key " + regexError(labelKeyMessage, labelKeyFormat, ["MyName", "my.name", "123-abc"])
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
            }
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += subdomainErrors(prefix).map { "prefix part " + $0 }
            }
        } else {
            name = bytes[...]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.count > labelKeyMaxLength {
            errors.append("name part " + maxLengthError(labelKeyMaxLength))
        }
        if !isLabelName(name) {
            errors.append("name part " + regexError(labelKeyMessage, labelKeyFormat, ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    /// Problems with a label value: empty, or a label name of at most 63 bytes.
    static func labelValueErrors(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > labelValueMaxLength {
            errors.append(maxLengthError(labelValueMaxLength))
        }
        if !bytes.isEmpty && !isLabelName(bytes[...]) {
            errors.append(regexError(labelValueMessage, labelValueFormat, ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    private static func subdomainErrors(_ bytes: ArraySlice<UInt8>) -> [String] {
        var errors: [String] = []
        if bytes.count > subdomainMaxLength {
            errors.append(maxLengthError(subdomainMaxLength))
        }
        if !isSubdomain(bytes) {
            errors.append(regexError(subdomainMessage, subdomainFormat, ["example.com"]))
        }
        return errors
    }

    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`
    private static func isLabelName(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// Dot-separated RFC 1123 labels: `[a-z0-9]([-a-z0-9]*[a-z0-9])?` each.
    private static func isSubdomain(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else {
                return false
            }
            return label.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func maxLengthError(_ length: Int) -> String {
        "must be no more than \(length) characters"
    }

    /// Go's `RegexError`: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`, double
    /// spaces and all.
    private static func regexError(_ message: String, _ format: String, _ examples: [String]) -> String {
        var text = message + " (e.g. "
        for (index, example) in examples.enumerated() {
            if index > 0 { text += " or " }
            text += "'" + example + "', "
        }
        return text + "regex used for validation is '" + format + "')"
    }
}
