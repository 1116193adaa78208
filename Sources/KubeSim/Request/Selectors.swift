import KubeAPI

/// The label and field selectors of one request, resolved against a resource's field labels.
///
/// Seam to KubeAPI's `LabelSelector`/`FieldSelector`: parsing and matching are delegated to
/// them once they land on main; until then a small internal parser covers the documented
/// grammar. Value type; `matches` is pure.
struct Selectors: Sendable {
    var label: LabelMatcher?
    /// Field requirements: index into the object's `fieldValues`, operator, value.
    var field: [FieldRequirement] = []

    var isEmpty: Bool { label == nil && field.isEmpty }

    struct FieldRequirement: Sendable {
        var index: Int
        var label: String
        var equals: Bool
        var value: String
    }

    init() {}

    /// Parses `labelSelector` and `fieldSelector` query values for `definition`.
    /// - Throws: 400 BadRequest for malformed selectors and unsupported field labels.
    init(labelSelector: String?, fieldSelector: String?, definition: ResourceDefinition) throws(Status) {
        if let labelSelector, !labelSelector.trimmingSpaces.isEmpty {
            label = try LabelMatcher(parsing: labelSelector)
        }
        if let fieldSelector, !fieldSelector.trimmingSpaces.isEmpty {
            let labels = definition.fieldLabels
            for term in fieldSelector.split(separator: ",", omittingEmptySubsequences: true) {
                let text = String(term).trimmingSpaces
                let parsed: (String, Bool, String)
                if let range = text.range(of: "!=") {
                    parsed = (String(text[..<range.lowerBound]), false, String(text[range.upperBound...]))
                } else if let range = text.range(of: "==") {
                    parsed = (String(text[..<range.lowerBound]), true, String(text[range.upperBound...]))
                } else if let range = text.range(of: "=") {
                    parsed = (String(text[..<range.lowerBound]), true, String(text[range.upperBound...]))
                } else {
                    throw Status.badRequest("invalid field selector: invalid selector: '\(fieldSelector)'; can't understand '\(text)'")
                }
                let key = parsed.0.trimmingSpaces
                guard let canonical = definition.canonicalFieldLabel(key),
                      let index = labels.firstIndex(of: canonical) else {
                    throw Status.badRequest("field label not supported: \(key)")
                }
                field.append(FieldRequirement(index: index, label: canonical, equals: parsed.1, value: parsed.2.trimmingSpaces))
            }
        }
    }

    /// Whether the object passes every field requirement and the label selector.
    func matches(_ object: StoredObject) -> Bool {
        for requirement in field {
            let value = requirement.index < object.fieldValues.count ? object.fieldValues[requirement.index] : ""
            if (value == requirement.value) != requirement.equals { return false }
        }
        if let label, !label.matches(object.labels) { return false }
        return true
    }

    /// The name a `metadata.name=x` requirement pins the request to, if any.
    var pinnedName: String? {
        field.first { $0.label == "metadata.name" && $0.equals }?.value
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
