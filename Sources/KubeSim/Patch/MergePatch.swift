/// JSON merge patch (RFC 7386), the `application/merge-patch+json` patch type.
///
/// Objects merge member by member, `null` deletes a member, anything else (arrays included)
/// replaces. Pure function over values.
enum MergePatch {
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        for member in patchObject {
            if member.value.isNull {
                result[member.key] = nil
            } else {
                result[member.key] = apply(member.value, to: result[member.key] ?? .null)
            }
        }
        return .object(result)
    }
}
