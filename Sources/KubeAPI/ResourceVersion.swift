/// A Kubernetes resourceVersion: an increasing integer inside, a decimal string at the edge.
///
/// The API server's resourceVersions are etcd revisions, which are comparable integers
/// (guaranteed since Kubernetes 1.35). kcache compares them to decide freshness, so they are
/// kept as `UInt64`; `description` gives back the exact decimal string the API uses. "0" is a
/// legal value with its own meaning in requests ("any"), so it is representable as `.zero`.
public struct ResourceVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The integer the API server's decimal string encodes.
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses a resourceVersion as the API server does: decimal digits only, no sign, no spaces,
    /// no empty string, and a value that fits in 64 bits.
    ///
    /// - Throws: `Status.badRequest` with the API server's message
    ///   (`invalid resource version "x": …`) for anything else.
    public init(parsing text: some StringProtocol) throws(Status) {
        guard let value = ResourceVersion.parseDigits(text.utf8) else {
            throw Status.badRequest("invalid resource version \"\(text)\"")
        }
        self.value = value
    }

    /// Parses the decimal digits of a resourceVersion from raw bytes (for metadata read straight
    /// out of JSON). Returns nil for anything but 1–20 digits that fit in 64 bits.
    public init?(bytes: some Collection<UInt8>) {
        guard let value = ResourceVersion.parseDigits(bytes) else { return nil }
        self.value = value
    }

    public static let zero = ResourceVersion(0)

    public var description: String { String(value) }

    public static func < (lhs: ResourceVersion, rhs: ResourceVersion) -> Bool {
        lhs.value < rhs.value
    }

    private static func parseDigits(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var result: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            result = sum
        }
        return result
    }
}
