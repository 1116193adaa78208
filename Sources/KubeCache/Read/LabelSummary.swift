import KubeAPI

/// A 64-bit Bloom filter of an object's labels, kept beside each object in the store's leaves
/// so a LIST with a label selector rejects most non-matching objects without touching them.
///
/// Each label sets two bits for `key=value` and one for `key`. A selector's equality
/// requirements (`k=v`, `k==v`, `k in (v)`) and existence requirements (`k`) need those bits;
/// an object missing any of them cannot match, so the scan skips it reading 8 bytes of a
/// contiguous array instead of the object (a cache miss each). Objects whose bits are all set
/// may still not match and are checked against their labels as before: the summary only ever
/// rules objects out. Other requirements (`!=`, `notin`, `!k`, `>`, `<`, multi-value `in`)
/// need no bits.
public enum LabelSummary {
    /// The bits `labels` set.
    public static func of(_ labels: Labels) -> UInt64 {
        var bits: UInt64 = 0
        for pair in labels {
            bits |= pairBits(key: pair.key, value: pair.value) | keyBit(pair.key)
        }
        return bits
    }

    /// The bits every object matching `selector` has set.
    public static func required(by selector: LabelSelector) -> UInt64 {
        var bits: UInt64 = 0
        for requirement in selector.requirements {
            switch requirement.op {
            case .equals, .doubleEquals, .in:
                if requirement.values.count == 1 {
                    bits |= pairBits(key: requirement.key, value: requirement.values[0])
                } else {
                    bits |= keyBit(requirement.key)
                }
            case .exists, .greaterThan, .lessThan:
                bits |= keyBit(requirement.key)
            case .notEquals, .notIn, .doesNotExist:
                break
            }
        }
        return bits
    }

    private static func pairBits(key: String, value: String) -> UInt64 {
        var hash = FNV1a()
        hash.add(key)
        hash.add(0x3D)  // "="
        hash.add(value)
        return 1 << (hash.value & 63) | 1 << ((hash.value >> 6) & 63)
    }

    private static func keyBit(_ key: String) -> UInt64 {
        var hash = FNV1a()
        hash.add(0x00)  // apart from every key=value
        hash.add(key)
        return 1 << (hash.value & 63)
    }

    /// 64-bit FNV-1a, mixed at the end so the low bits used above depend on every byte.
    private struct FNV1a {
        private var state: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ byte: UInt8) {
            state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }

        mutating func add(_ text: String) {
            for byte in text.utf8 { add(byte) }
        }

        var value: UInt64 {
            var mixed = state
            mixed ^= mixed >> 33
            mixed &*= 0xff51_afd7_ed55_8ccd
            mixed ^= mixed >> 33
            return mixed
        }
    }
}
