import KubeAPI

/// The exact bytes `ObjectJSON.settingTypeMeta` and `settingResourceVersion` must produce,
/// worked out from their documented contracts on a `ReferenceJSON` tree: which member is
/// edited, where an insertion goes, and that every other byte stays as it was.
enum ObjectEditModel {
    /// nil when `settingTypeMeta` must throw (not an object; a `kind` or `apiVersion` that is
    /// neither a string nor null).
    static func settingTypeMeta(kind: String, apiVersion: String, of bytes: [UInt8], document: ReferenceJSON) -> [UInt8]? {
        guard let members = document.root.value.members else { return nil }
        var found: [String: Found] = [:]
        for member in members {
            guard let name = ["kind", "apiVersion"].first(where: member.hasKey) else { continue }
            switch member.node.value {
            case .string(_, let raw) where !raw.isEmpty: found[name] = .present
            case .string, .null: found[name] = .empty(member.node.range)
            default: return nil
            }
        }
        var edits: [(Range<Int>, [UInt8])] = []
        var inserted: [UInt8] = []
        for (name, value) in [("kind", kind), ("apiVersion", apiVersion)] {
            switch found[name] ?? .absent {
            case .present: continue
            case .empty(let range): edits.append((range, quoted(value)))
            case .absent:
                if !inserted.isEmpty { inserted.append(UInt8(ascii: ",")) }
                inserted += quoted(name) + [UInt8(ascii: ":")] + quoted(value)
            }
        }
        if !inserted.isEmpty {
            if !members.isEmpty { inserted.append(UInt8(ascii: ",")) }
            let afterBrace = document.root.range.lowerBound + 1
            edits.append((afterBrace..<afterBrace, inserted))
        }
        return applying(edits, to: bytes)
    }

    /// How the last `kind` or `apiVersion` member stands.
    private enum Found {
        case absent
        /// `""` or null, at this value range.
        case empty(Range<Int>)
        case present
    }

    /// Go's `ObjectMeta` fields after `resourceVersion`, before which an inserted one goes.
    static let keysAfterResourceVersion = [
        "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ]

    /// nil when `settingResourceVersion` must throw (not an object; a `metadata` that is
    /// neither an object nor null).
    static func settingResourceVersion(_ rv: ResourceVersion, of bytes: [UInt8], document: ReferenceJSON) -> [UInt8]? {
        guard let members = document.root.value.members else { return nil }
        let value = quoted(rv.description)
        let member = quoted("resourceVersion") + [UInt8(ascii: ":")] + value
        var metadata: ReferenceJSON.Node?
        var endOfTypeMeta: Int?
        for field in members {
            if field.hasKey("metadata") {
                guard field.node.value.isNull || field.node.value.members != nil else { return nil }
                metadata = field.node
            } else if field.hasKey("kind") || field.hasKey("apiVersion") {
                endOfTypeMeta = max(endOfTypeMeta ?? 0, field.node.range.upperBound)
            }
        }
        let edit: (Range<Int>, [UInt8])
        switch metadata {
        case let node? where node.value.isNull:
            edit = (node.range, [UInt8(ascii: "{")] + member + [UInt8(ascii: "}")])
        case let node?:
            let fields = node.value.members ?? []
            if let existing = fields.last(where: { $0.hasKey("resourceVersion") }) {
                edit = (existing.node.range, value)
            } else if let next = fields.first(where: { field in keysAfterResourceVersion.contains(where: field.hasKey) }) {
                edit = (next.keyRange.lowerBound..<next.keyRange.lowerBound, member + [UInt8(ascii: ",")])
            } else {
                let close = node.range.upperBound - 1
                edit = (close..<close, (fields.isEmpty ? [] : [UInt8(ascii: ",")]) + member)
            }
        case nil:
            let object = quoted("metadata") + [UInt8(ascii: ":"), UInt8(ascii: "{")] + member + [UInt8(ascii: "}")]
            if let end = endOfTypeMeta {
                edit = (end..<end, [UInt8(ascii: ",")] + object)
            } else {
                let afterBrace = document.root.range.lowerBound + 1
                edit = (afterBrace..<afterBrace, object + (members.isEmpty ? [] : [UInt8(ascii: ",")]))
            }
        }
        return applying([edit], to: bytes)
    }

    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONString.append(text, to: &out)
        return out
    }

    /// The input with non-overlapping replacements applied.
    static func applying(_ edits: [(Range<Int>, [UInt8])], to bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var cursor = 0
        for (range, replacement) in edits.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) {
            out += bytes[cursor..<range.lowerBound]
            out += replacement
            cursor = range.upperBound
        }
        return out + bytes[cursor...]
    }
}
