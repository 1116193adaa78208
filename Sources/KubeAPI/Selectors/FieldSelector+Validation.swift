/// Checking a field selector against what a kind supports, as the API server's LIST/WATCH
/// handler does after parsing (`Selector.Transform` through the scheme's `ConvertFieldLabel`).
extension FieldSelector {
    /// This selector with aliases rewritten (pods: `spec.host` → `spec.nodeName`), after
    /// checking that `resource` supports every field.
    ///
    /// - Parameters:
    ///   - customFields: for a custom resource, its CRD's `selectableFields` JSON paths (with or
    ///     without the leading `.`); nil for built-in kinds. A custom resource accepts
    ///     `metadata.name`, `metadata.namespace` when namespaced, and these.
    ///   - namespaced: whether the custom resource is namespaced (ignored for built-in kinds,
    ///     whose scope `SelectableFields` knows).
    /// - Throws: `400 BadRequest` for the first unsupported field, worded as the kind's
    ///   conversion words it: `field label not supported: <field>` for kinds with a conversion
    ///   func and custom resources; `"<field>" is not a known field selector: only
    ///   "metadata.name", "metadata.namespace"` for kinds without one; `field label "<field>"
    ///   not supported for batchv1.Job` for jobs.
    public func validated(
        for resource: GroupVersionResource, customFields: [String]? = nil, namespaced: Bool = true
    ) throws(Status) -> FieldSelector {
        let conversion = FieldLabelConversion(resource: resource, customFields: customFields, namespaced: namespaced)
        var result = self
        for index in result.requirements.indices {
            result.requirements[index].field = try conversion.convert(result.requirements[index].field)
        }
        return result
    }
}

/// One kind's `ConvertFieldLabel`: which labels pass, what they become, and the error for the
/// rest.
private struct FieldLabelConversion {
    private let accepted: Set<String>
    private let aliases: [String: String]
    private let rejection: (String) -> String

    init(resource: GroupVersionResource, customFields: [String]?, namespaced: Bool) {
        if let customFields {
            // apiextensions-apiserver's crConverter.
            var accepted: Set<String> = ["metadata.name"]
            if namespaced { accepted.insert("metadata.namespace") }
            for field in customFields {
                accepted.insert(field.hasPrefix(".") ? String(field.dropFirst()) : field)
            }
            self.accepted = accepted
            aliases = [:]
            rejection = { "field label not supported: \($0)" }
        } else if let rule = SelectableFields.rule(for: resource) {
            var accepted = Set(rule.fields)
            accepted.insert("metadata.name")
            if rule.namespaceSelectable { accepted.insert("metadata.namespace") }
            self.accepted = accepted
            aliases = rule.aliases
            rejection = rule.rejection
        } else {
            // runtime.DefaultMetaV1FieldSelectorConversion.
            accepted = ["metadata.name", "metadata.namespace"]
            aliases = [:]
            rejection = {
                "\(GoText.quote($0)) is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
            }
        }
    }

    func convert(_ field: String) throws(Status) -> String {
        if let alias = aliases[field] { return alias }
        guard accepted.contains(field) else { throw Status.badRequest(rejection(field)) }
        return field
    }
}
