/// The two byte-level edits DESIGN.md invariant 1 allows on a cached object.
extension ObjectJSON {
    /// The object with `"kind":K,"apiVersion":V,` inserted right after its opening `{` when it
    /// has neither (items of built-in LISTs lack them); only the missing one when one is there;
    /// the input unchanged when both are. A `kind` or `apiVersion` that is present but `""` or
    /// `null` has its value replaced in place, so the result never holds a duplicate key.
    ///
    /// - Throws: `JSONError` on malformed JSON or a non-object.
    public static func settingTypeMeta(kind: String, apiVersion: String, of bytes: [UInt8]) throws(JSONError) -> [UInt8] {
        let plan = try withBytes(bytes) { (raw) throws(JSONError) in try typeMetaPlan(raw) }
        var edits = EditList()
        var inserted: [UInt8] = []
        for (field, value, found) in [("kind", kind, plan.kind), ("apiVersion", apiVersion, plan.apiVersion)] {
            switch found {
            case .present: continue
            case .empty(let range):
                var quoted: [UInt8] = []
                JSONString.append(value, to: &quoted)
                edits.replace(range, with: quoted)
            case .absent:
                if !inserted.isEmpty { inserted.append(UInt8(ascii: ",")) }
                JSONString.append(field, to: &inserted)
                inserted.append(UInt8(ascii: ":"))
                JSONString.append(value, to: &inserted)
            }
        }
        if !inserted.isEmpty {
            if plan.hasMembers { inserted.append(UInt8(ascii: ",")) }
            edits.replace(plan.openBrace + 1..<plan.openBrace + 1, with: inserted)
        }
        return edits.isEmpty ? bytes : edits.applied(to: bytes)
    }

    /// The object with `metadata.resourceVersion` set to `rv` — replaced where present,
    /// otherwise inserted where Go's `ObjectMeta` field order puts it (before `generation`,
    /// `creationTimestamp`, `labels`, … or last) — for `DELETED` events, which must carry the
    /// deletion's RV. Every other byte is kept as it was. An object without `metadata` gets
    /// `"metadata":{"resourceVersion":"N"}` after its `kind`/`apiVersion`.
    ///
    /// - Throws: `JSONError` on malformed JSON, a non-object, or a `metadata` that is not an
    ///   object or null.
    public static func settingResourceVersion(_ rv: ResourceVersion, of bytes: [UInt8]) throws(JSONError) -> [UInt8] {
        let plan = try withBytes(bytes) { (raw) throws(JSONError) in try resourceVersionPlan(raw) }
        var quoted: [UInt8] = []
        JSONString.append(rv.description, to: &quoted)
        var member = Array(#""resourceVersion":"#.utf8)
        member += quoted
        var edits = EditList()
        switch plan.metadata {
        case .object(let object):
            if let value = object.resourceVersionValue {
                edits.replace(value, with: quoted)
            } else if let before = object.firstKeyAfterResourceVersion {
                edits.replace(before..<before, with: member + [UInt8(ascii: ",")])
            } else {
                let prefix: [UInt8] = object.hasMembers ? [UInt8(ascii: ",")] : []
                edits.replace(object.closeBrace..<object.closeBrace, with: prefix + member)
            }
        case .null(let range):
            edits.replace(range, with: [UInt8(ascii: "{")] + member + [UInt8(ascii: "}")])
        case .absent:
            let metadata = Array(#""metadata":{"#.utf8) + member + [UInt8(ascii: "}")]
            if let after = plan.endOfTypeMeta {
                edits.replace(after..<after, with: [UInt8(ascii: ",")] + metadata)
            } else {
                let suffix: [UInt8] = plan.hasMembers ? [UInt8(ascii: ",")] : []
                edits.replace(plan.openBrace + 1..<plan.openBrace + 1, with: metadata + suffix)
            }
        }
        return edits.applied(to: bytes)
    }

    // MARK: Planning passes

    /// Whether a `kind`/`apiVersion` member is there and usable.
    private enum FoundString {
        case absent
        /// Present as `""` or `null`, at this value range.
        case empty(Range<Int>)
        case present
    }

    /// Where `settingTypeMeta` must edit: the opening brace and what it found.
    private struct TypeMetaPlan {
        var openBrace = 0
        var hasMembers = false
        var kind = FoundString.absent
        var apiVersion = FoundString.absent
    }

    private static func typeMetaPlan(_ raw: UnsafeRawBufferPointer) throws(JSONError) -> TypeMetaPlan {
        var scanner = JSONScanner(raw)
        var plan = TypeMetaPlan()
        plan.openBrace = try enterTopLevelObject(&scanner)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            plan.hasMembers = true
            let isKind = scanner.equals(key, "kind")
            guard isKind || scanner.equals(key, "apiVersion") else {
                try scanner.skipValue(depth: 1)
                continue
            }
            let start = scanner.position
            let token = try scanner.readStringOrNull()
            let found: FoundString = (token?.range.isEmpty ?? true) ? .empty(start..<scanner.position) : .present
            if isKind { plan.kind = found } else { plan.apiVersion = found }
        }
        try scanner.finish()
        return plan
    }

    /// Offsets inside the (last) `metadata` object: its closing brace, the resourceVersion
    /// value if any, and the first key Go writes after resourceVersion.
    private struct MetadataObject {
        var closeBrace = 0
        var hasMembers = false
        var resourceVersionValue: Range<Int>?
        var firstKeyAfterResourceVersion: Int?
    }

    /// How the object holds `metadata`.
    private enum MetadataFound {
        case absent
        case null(Range<Int>)
        case object(MetadataObject)
    }

    /// Where `settingResourceVersion` must edit.
    private struct ResourceVersionPlan {
        var openBrace = 0
        var hasMembers = false
        var endOfTypeMeta: Int?
        var metadata = MetadataFound.absent
    }

    private static func resourceVersionPlan(_ raw: UnsafeRawBufferPointer) throws(JSONError) -> ResourceVersionPlan {
        var scanner = JSONScanner(raw)
        var plan = ResourceVersionPlan()
        plan.openBrace = try enterTopLevelObject(&scanner)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            plan.hasMembers = true
            if scanner.equals(key, "metadata") {
                if try scanner.peekSignificant() == UInt8(ascii: "{") {
                    plan.metadata = .object(try metadataObjectPlan(&scanner))
                } else if try scanner.consumeNull() {
                    plan.metadata = .null(scanner.position - 4..<scanner.position)
                } else {
                    throw JSONError(.typeMismatch, at: scanner.position)
                }
            } else if scanner.equals(key, "kind") || scanner.equals(key, "apiVersion") {
                try scanner.skipValue(depth: 1)
                plan.endOfTypeMeta = max(plan.endOfTypeMeta ?? 0, scanner.position)
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.finish()
        return plan
    }

    /// Go's `ObjectMeta` fields that come after `resourceVersion` in its JSON encoding.
    private static let keysAfterResourceVersion: [StaticString] = [
        "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ]

    private static func metadataObjectPlan(_ scanner: inout JSONScanner) throws(JSONError) -> MetadataObject {
        var object = MetadataObject()
        try scanner.enterContainer(depth: 2)
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            object.hasMembers = true
            if scanner.equals(key, "resourceVersion") {
                object.resourceVersionValue = try scanner.valueRange(depth: 2)
                continue
            }
            if object.firstKeyAfterResourceVersion == nil,
               keysAfterResourceVersion.contains(where: { scanner.equals(key, $0) }) {
                object.firstKeyAfterResourceVersion = key.range.lowerBound - 1  // its opening quote
            }
            try scanner.skipValue(depth: 2)
        }
        object.closeBrace = scanner.position - 1
        return object
    }

    /// Requires a top-level object and enters it; returns the offset of its `{`.
    private static func enterTopLevelObject(_ scanner: inout JSONScanner) throws(JSONError) -> Int {
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.notAnObject, at: scanner.position)
        }
        let openBrace = scanner.position
        try scanner.enterContainer(depth: 1)
        return openBrace
    }
}

/// Non-overlapping byte replacements, applied in one copy.
private struct EditList {
    private var edits: [(range: Range<Int>, bytes: [UInt8])] = []

    var isEmpty: Bool { edits.isEmpty }

    mutating func replace(_ range: Range<Int>, with bytes: [UInt8]) {
        edits.append((range, bytes))
    }

    func applied(to input: [UInt8]) -> [UInt8] {
        let ordered = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(input.count + ordered.reduce(0) { $0 + $1.bytes.count })
        var cursor = 0
        for edit in ordered {
            out.append(contentsOf: input[cursor..<edit.range.lowerBound])
            out.append(contentsOf: edit.bytes)
            cursor = edit.range.upperBound
        }
        out.append(contentsOf: input[cursor...])
        return out
    }
}
