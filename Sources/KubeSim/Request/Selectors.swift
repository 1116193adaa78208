import KubeAPI

/// The label and field selectors of one request, checked against one resource: KubeAPI's
/// `LabelSelector` and `FieldSelector` (parsed by `RequestInfo` with the API server's 400s),
/// the field selector validated for the kind (`field label not supported: …` and the other
/// API server wordings) and bound to the positions of the kind's precomputed field values.
///
/// Value type; `matches` is pure and allocation-free apart from the field lookups.
struct Selectors: Sendable {
    var label: LabelSelector = .everything
    var field: FieldSelector = .everything
    /// For each field the selector names: its index in `StoredObject.fieldValues`.
    private var fieldIndex: [String: Int] = [:]

    var isEmpty: Bool { label.isEverything && field.isEverything }

    /// No selection: everything matches.
    init() {}

    /// - Throws: 400 BadRequest for a field the kind does not support.
    init(label: LabelSelector, field: FieldSelector, definition: ResourceDefinition) throws(Status) {
        self.label = label
        self.field = try field.validated(
            for: definition.resource, customFields: definition.isCustom ? definition.customFieldLabels : nil,
            namespaced: definition.namespaced)
        let labels = definition.fieldLabels
        for name in self.field.fields {
            if let index = labels.firstIndex(of: name) { fieldIndex[name] = index }
        }
    }

    /// Whether the object passes every field requirement and the label selector.
    func matches(_ object: StoredObject) -> Bool {
        if !field.isEverything {
            let matched = field.matches { name in
                guard let index = fieldIndex[name], index < object.fieldValues.count else { return nil }
                return object.fieldValues[index]
            }
            if !matched { return false }
        }
        return label.matches(object.labels)
    }
}
