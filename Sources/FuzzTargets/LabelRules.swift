import KubeAPI

/// apimachinery's rules for label selector requirements, written out independently of
/// KubeAPI's parser: what a valid requirement looks like (`NewRequirement`, `IsLabelKey`,
/// `IsValidLabelValue`) and what it matches (`Requirement.Matches`).
enum LabelRules {
    static func isValid(_ requirement: LabelSelector.Requirement) -> Bool {
        guard isKey(requirement.key), requirement.values.allSatisfy(isValue) else { return false }
        switch requirement.op {
        case .equals, .doubleEquals, .notEquals: return requirement.values.count == 1
        case .in, .notIn: return !requirement.values.isEmpty && Set(requirement.values).count == requirement.values.count
        case .exists, .doesNotExist: return requirement.values.isEmpty
        case .greaterThan, .lessThan: return requirement.values.count == 1 && Int64(requirement.values[0]) != nil
        }
    }

    /// Whether labels (keys compared as Swift strings, as `Labels` does) satisfy a requirement.
    static func matches(_ requirement: LabelSelector.Requirement, _ labels: [String: String]) -> Bool {
        let value = labels[requirement.key]
        switch requirement.op {
        case .equals, .doubleEquals, .in: return value.map(requirement.values.contains) ?? false
        case .notEquals, .notIn: return value.map { !requirement.values.contains($0) } ?? true
        case .exists: return value != nil
        case .doesNotExist: return value == nil
        case .greaterThan, .lessThan:
            guard let value, let actual = Int64(value), let bound = Int64(requirement.values[0]) else { return false }
            return requirement.op == .greaterThan ? actual > bound : actual < bound
        }
    }

    /// `[prefix/]name`: a DNS-1123 subdomain of at most 253 bytes, and a name.
    static func isKey(_ key: String) -> Bool {
        let parts = Array(key.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isName(parts[0])
        case 2: return isSubdomain(parts[0]) && isName(parts[1])
        default: return false
        }
    }

    /// Empty, or a name.
    static func isValue(_ value: String) -> Bool {
        value.isEmpty || isName(Array(value.utf8)[...])
    }

    /// At most 63 bytes of `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    static func isName(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard (1...63).contains(bytes.count), isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// At most 253 bytes of dot-separated `[a-z0-9]([-a-z0-9]*[a-z0-9])?` labels.
    static func isSubdomain(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard (1...253).contains(bytes.count) else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
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
}
