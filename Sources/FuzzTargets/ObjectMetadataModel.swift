import KubeAPI

/// What `ObjectJSON.metadata(of:)` and `fieldValues` must return for a document, worked out
/// from their documented contracts on a `ReferenceJSON` tree rather than from their code.
///
/// The rules, in Go's terms (the API types are Go structs and maps): a string field takes the
/// last string given and ignores `null`; a pointer field (`deletionTimestamp`) is reset by
/// `null`; a repeated object (`metadata`) merges into the earlier one and `null` leaves it;
/// a map (`labels`) merges, `null` clears it, and a `null` value is the empty string; a value
/// of the wrong type for a field the reader interprets is an error. `resourceVersion` is kept
/// only when it is 1–20 decimal digits that fit in 64 bits.
enum ObjectMetadataModel {
    /// The metadata, or nil when the reader must throw.
    static func metadata(of document: ReferenceJSON) -> ObjectMetadata? {
        guard let members = document.root.value.members else { return nil }
        var result = ObjectMetadata()
        var labels: [Labels.Pair] = []
        for member in members {
            let value = member.node.value
            if member.hasKey("metadata") {
                if value.isNull { continue }
                guard let fields = value.members, readObjectMeta(fields, into: &result, labels: &labels) else { return nil }
                result.metadataRange = member.node.range
            } else if member.hasKey("kind") || member.hasKey("apiVersion") {
                guard let text = stringField(value) else { return nil }
                if let text {
                    if member.hasKey("kind") { result.kind = text } else { result.apiVersion = text }
                }
            }
        }
        result.labels = labels.isEmpty ? Labels() : Labels(unsortedPairs: labels)
        return result
    }

    /// `.some(text)` for a string, `.some(nil)` for null, nil (an error) for anything else.
    static func stringField(_ value: ReferenceJSON.Value) -> String?? {
        if value.isNull { return .some(nil) }
        guard let text = value.string else { return nil }
        return .some(text)
    }

    /// Merges one `metadata` object; false when a field has the wrong type.
    private static func readObjectMeta(
        _ fields: [ReferenceJSON.Member], into result: inout ObjectMetadata, labels: inout [Labels.Pair]
    ) -> Bool {
        for field in fields {
            let value = field.node.value
            if field.hasKey("labels") {
                if value.isNull {
                    labels.removeAll()
                    continue
                }
                guard let pairs = value.members else { return false }
                for pair in pairs {
                    guard let text = stringField(pair.node.value) else { return false }
                    labels.append(Labels.Pair(key: String(decoding: pair.key, as: UTF8.self), value: text ?? ""))
                }
                continue
            }
            let names = ["name", "namespace", "uid", "resourceVersion", "generateName", "deletionTimestamp"]
            guard let name = names.first(where: field.hasKey) else { continue }
            guard let text = stringField(value) else { return false }
            switch (name, text) {
            case ("deletionTimestamp", _): result.deletionTimestamp = text
            case (_, nil): break
            case ("name", let text?): result.name = text
            case ("namespace", let text?): result.namespace = text
            case ("uid", let text?): result.uid = text
            case ("generateName", let text?): result.generateName = text
            case (_, let text?): result.resourceVersion = resourceVersion(text)
            }
        }
        return true
    }

    /// A resourceVersion as the cache keeps it: 1–20 decimal digits that fit in a `UInt64`.
    static func resourceVersion(_ text: String) -> ResourceVersion? {
        let utf8 = Array(text.utf8)
        guard (1...20).contains(utf8.count), utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = UInt64(text) else { return nil }
        return ResourceVersion(value)
    }

    /// `fieldValues` for one dotted path: walks members named by each segment in document
    /// order; a string, boolean or number at the end sets the value (numbers as written), a
    /// null, object or array leaves it; a non-object on the way is passed over.
    static func fieldValue(_ path: String, in document: ReferenceJSON) -> String? {
        var text = Substring(path)
        if text.hasPrefix(".") { text = text.dropFirst() }
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        var result: String?
        if let members = document.root.value.members {
            collect(members, segments[...], into: &result)
        }
        return result
    }

    private static func collect(_ members: [ReferenceJSON.Member], _ segments: ArraySlice<[UInt8]>, into result: inout String?) {
        for member in members where member.key == segments.first {
            if segments.count > 1 {
                if let nested = member.node.value.members { collect(nested, segments.dropFirst(), into: &result) }
                continue
            }
            switch member.node.value {
            case .string(let text, _): result = text
            case .bool(let flag): result = flag ? "true" : "false"
            case .number(let literal): result = literal
            case .null, .object, .array: break
            }
        }
    }
}
