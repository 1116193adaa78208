/// Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds: a JSON
/// merge patch that merges lists of objects by their merge key and honours the directives
/// kubectl sends.
///
/// Supported:
/// - lists merged by key, chosen by field name as the API types declare it: `containers`,
///   `initContainers`, `ephemeralContainers`, `env`, `volumes`, `imagePullSecrets`,
///   `resourceClaims` by `name`; `volumeMounts` by `mountPath`; `volumeDevices` by
///   `devicePath`; container `ports` by `containerPort` and service `ports` by `port`;
///   `ownerReferences` by `uid`; `conditions` by `type`; `hostAliases` by `ip`;
///   `topologySpreadConstraints` by `topologyKey`. `finalizers` merge as a set.
///   Every other list is replaced, as in a merge patch.
/// - `$patch: delete` on a list element (removes the element with that key) and on a map
///   (removes the map); `$patch: replace` on a map (replaces it instead of merging) and as a
///   list element (replaces the list with the other elements).
/// - `$retainKeys`: after merging, keys not listed are dropped from that map.
/// - `$deleteFromPrimitiveList/<field>`: removes the listed values from a primitive list.
/// - `$setElementOrder/<field>`: reorders the merged list to the given key order (elements not
///   named keep their relative order after the named ones).
/// Not supported: `$patch: merge` beyond the default behaviour, and schema-driven choices for
/// kinds KubeSim does not know (custom resources refuse this patch type with 415, as the API
/// server does).
enum StrategicMergePatch {
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
        "volumes": "name", "imagePullSecrets": "name", "resourceClaims": "name",
        "volumeMounts": "mountPath", "volumeDevices": "devicePath", "ownerReferences": "uid",
        "conditions": "type", "hostAliases": "ip", "topologySpreadConstraints": "topologyKey",
    ]

    static let setLists: Set<String> = ["finalizers"]

    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        return .object(mergeObject(patchObject, into: target.objectValue ?? JSONObject()))
    }

    /// Merges a patch map into an original map, honouring the map-level directives.
    private static func mergeObject(_ patch: JSONObject, into original: JSONObject) -> JSONObject {
        if patch.string("$patch") == "replace" {
            var replaced = patch
            replaced["$patch"] = nil
            return stripDirectives(replaced)
        }
        var result = original
        var retainKeys: [String]?
        var orders: [String: [JSONValue]] = [:]
        for member in patch {
            let key = member.key
            if key == "$patch" { continue }
            if key == "$retainKeys" {
                retainKeys = member.value.arrayValue?.compactMap(\.stringValue)
                continue
            }
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = member.value.arrayValue ?? []
                continue
            }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let doomed = member.value.arrayValue ?? []
                if let list = result[field]?.arrayValue {
                    result[field] = .array(list.filter { !doomed.contains($0) })
                }
                continue
            }
            switch member.value {
            case .null:
                result[key] = nil
            case .object(let child):
                if child.string("$patch") == "delete" {
                    result[key] = nil
                } else {
                    result[key] = .object(mergeObject(child, into: result[key]?.objectValue ?? JSONObject()))
                }
            case .array(let items):
                result[key] = .array(mergeList(field: key, patch: items, original: result[key]?.arrayValue ?? []))
            default:
                result[key] = member.value
            }
        }
        for (field, order) in orders {
            guard let list = result[field]?.arrayValue else { continue }
            result[field] = .array(reorder(list, by: order, mergeKey: mergeKey(for: field, in: list + order)))
        }
        if let retainKeys {
            for key in result.keys where !retainKeys.contains(key) && patch[key] == nil {
                result[key] = nil
            }
        }
        return result
    }

    private static func mergeKey(for field: String, in items: [JSONValue]) -> String? {
        if field == "ports" {
            return items.contains { $0.objectValue?["containerPort"] != nil } ? "containerPort" : "port"
        }
        return mergeKeys[field]
    }

    /// Merges a patch list into an original list: by merge key when the field has one, as a
    /// set for `finalizers`, else replaced.
    private static func mergeList(field: String, patch: [JSONValue], original: [JSONValue]) -> [JSONValue] {
        if patch.contains(where: { $0.objectValue?.string("$patch") == "replace" }) {
            return patch.filter { $0.objectValue?.string("$patch") != "replace" }.map(stripDirectives)
        }
        if setLists.contains(field) {
            var result = original
            for item in patch where !result.contains(item) { result.append(item) }
            return result
        }
        guard let key = mergeKey(for: field, in: patch + original) else {
            return patch.map(stripDirectives)
        }
        var result = original
        for item in patch {
            guard let object = item.objectValue, let identity = object[key] else {
                result.append(stripDirectives(item))
                continue
            }
            let index = result.firstIndex { $0.objectValue?[key] == identity }
            if object.string("$patch") == "delete" {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index] = .object(mergeObject(object, into: result[index].objectValue ?? JSONObject()))
            } else {
                result.append(stripDirectives(item))
            }
        }
        return result
    }

    private static func reorder(_ list: [JSONValue], by order: [JSONValue], mergeKey: String?) -> [JSONValue] {
        func identity(_ value: JSONValue) -> JSONValue {
            if let mergeKey, let key = value.objectValue?[mergeKey] { return key }
            return value
        }
        let wanted = order.map(identity)
        let named = wanted.compactMap { key in list.first { identity($0) == key } }
        let others = list.filter { item in !wanted.contains(identity(item)) }
        return named + others
    }

    /// Removes directive members from a value being inserted as is.
    private static func stripDirectives(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): return .object(stripDirectives(object))
        case .array(let items): return .array(items.map(stripDirectives))
        default: return value
        }
    }

    private static func stripDirectives(_ object: JSONObject) -> JSONObject {
        var result = JSONObject()
        for member in object where !member.key.hasPrefix("$") {
            result[member.key] = stripDirectives(member.value)
        }
        return result
    }
}
