#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Identifies one object of a resource: its namespace (empty for cluster-scoped kinds) and name.
///
/// Keys order as the API server's storage keys do: by the bytes of `namespace/name` (or of
/// `name` alone for cluster-scoped objects), so `a-b/x` sorts before `a/x` because `-` (0x2D)
/// is below `/` (0x2F). LIST items, continue tokens and the cache's iteration all use this order.
///
/// Equality and hashing are on those bytes too, as etcd's keys are: `caf\u{e9}` and
/// `cafe\u{301}` are two objects (names validated as path segments, such as RBAC's, may hold
/// either), although Swift's `String ==` finds them canonically equivalent.
public struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String = "", name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The storage key below the resource's prefix: `namespace/name`, or `name` when the
    /// object is cluster-scoped.
    public var storageKey: String {
        namespace.isEmpty ? name : "\(namespace)/\(name)"
    }

    public var description: String { storageKey }

    /// Same namespace and name bytes; consistent with `<`, unlike the `String` equality a
    /// synthesized `==` would use. (Namespaces of one length and storage keys of the same bytes
    /// mean both parts are the same bytes.)
    public static func == (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        lhs.namespace.utf8.count == rhs.namespace.utf8.count && lhs.name.utf8.count == rhs.name.utf8.count
            && compareStorageKeys(lhs, rhs) == 0
    }

    public func hash(into hasher: inout Hasher) {
        ObjectKey.hashBytes(of: namespace, into: &hasher)
        ObjectKey.hashBytes(of: name, into: &hasher)
    }

    /// The string's UTF-8 bytes and their count (so `("ab", "c")` and `("a", "bc")` differ).
    private static func hashBytes(of text: String, into hasher: inout Hasher) {
        let utf8 = text.utf8
        hasher.combine(utf8.count)
        let hashed: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in utf8 { hasher.combine(byte) }
        }
    }

    /// Byte order of the storage keys, computed without building them.
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        compareStorageKeys(lhs, rhs) < 0
    }

    /// Three-way comparison of the storage keys' bytes: negative, zero or positive.
    public static func compareStorageKeys(_ lhs: ObjectKey, _ rhs: ObjectKey) -> Int {
        // Both namespaced or both cluster-scoped (always so within one resource): decided
        // within "namespace/" — a namespace that is a prefix of the other meets "/" against the
        // other's next byte — and then by the names.
        if lhs.namespace.isEmpty == rhs.namespace.isEmpty {
            if !lhs.namespace.isEmpty {
                let order = compareBytes(lhs.namespace, rhs.namespace, bothFollowedBy: UInt8(ascii: "/"))
                if order != 0 { return order }
            }
            return compareBytes(lhs.name, rhs.name)
        }
        // One cluster-scoped key against a namespaced one: walk both as (namespace, separator,
        // name) byte sequences.
        var left = StorageKeyBytes(lhs)
        var right = StorageKeyBytes(rhs)
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (l?, r?):
                if l != r { return l < r ? -1 : 1 }
            }
        }
    }
}

/// Three-way comparison of two strings' UTF-8 bytes (Go's string order), each followed by
/// `terminator` when given (so a string that is a prefix of the other meets the terminator
/// against the other's next byte).
private func compareBytes(_ lhs: String, _ rhs: String, bothFollowedBy terminator: UInt8? = nil) -> Int {
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { left in
        rhs.withUTF8 { right in
            let common = min(left.count, right.count)
            if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
                let order = memcmp(leftBase, rightBase, common)
                if order != 0 { return order < 0 ? -1 : 1 }
            }
            if left.count == right.count { return 0 }
            guard let terminator else { return left.count < right.count ? -1 : 1 }
            let (leftNext, rightNext) = left.count < right.count ? (terminator, right[common]) : (left[common], terminator)
            if leftNext != rightNext { return leftNext < rightNext ? -1 : 1 }
            // The longer string continues with the terminator itself: it is longer past it.
            return left.count < right.count ? -1 : 1
        }
    }
}

/// Iterates the bytes of an `ObjectKey`'s storage key without allocating it.
private struct StorageKeyBytes: IteratorProtocol {
    private var namespace: String.UTF8View.Iterator
    private var name: String.UTF8View.Iterator
    private var pendingSeparator: Bool
    private var inName: Bool

    init(_ key: ObjectKey) {
        namespace = key.namespace.utf8.makeIterator()
        name = key.name.utf8.makeIterator()
        pendingSeparator = !key.namespace.isEmpty
        inName = key.namespace.isEmpty
    }

    mutating func next() -> UInt8? {
        if !inName {
            if let byte = namespace.next() { return byte }
            inName = true
            if pendingSeparator {
                pendingSeparator = false
                return UInt8(ascii: "/")
            }
        }
        return name.next()
    }
}
