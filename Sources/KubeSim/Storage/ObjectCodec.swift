import KubeAPI

/// Turns a parsed object into a `StoredObject`: puts members in the order the API server
/// encodes them, and extracts the metadata reads need.
///
/// Built-in kinds encode like Go structs: `kind`, `apiVersion`, `metadata` (in ObjectMeta's
/// field order) first, then the rest as written, with map-typed fields (`labels`,
/// `annotations`, `data`, `binaryData`) in sorted key order as Go writes maps. Custom resources
/// are unstructured in the API server, which writes every object's keys sorted; so are ours.
enum ObjectCodec {
    /// ObjectMeta's members in Go struct order.
    static let metadataOrder = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
        "annotations", "ownerReferences", "finalizers", "managedFields",
    ]

    /// Members whose value is a Go map, encoded with sorted keys.
    static let mapFields: Set<String> = ["data", "binaryData", "stringData"]

    /// The stored form of `object` at `resourceVersion` (which the caller has already put in
    /// `metadata.resourceVersion`): canonical member order, bytes, key, labels, field values.
    static func encode(_ object: JSONObject, definition: ResourceDefinition, resourceVersion: UInt64) -> StoredObject {
        var object = object
        let bytes: [UInt8]
        let itemStart: Int
        if definition.isCustom {
            let sorted = sortedRecursively(.object(object))
            object = sorted.objectValue ?? object
            bytes = JSONValue.object(object).encoded
            itemStart = 1
        } else {
            object = canonicalTyped(object)
            var out: [UInt8] = []
            out.append(contentsOf: #"{"kind":"#.utf8)
            JSONString.append(definition.kind, to: &out)
            out.append(contentsOf: #","apiVersion":"#.utf8)
            JSONString.append(definition.apiVersion, to: &out)
            var rest = object
            rest["kind"] = nil
            rest["apiVersion"] = nil
            if rest.isEmpty {
                out.append(UInt8(ascii: "}"))
                itemStart = out.count - 1
            } else {
                out.append(UInt8(ascii: ","))
                itemStart = out.count
                var body: [UInt8] = []
                rest.write(to: &body)
                out.append(contentsOf: body.dropFirst())
            }
            bytes = out
        }
        let metadata = object.object("metadata") ?? JSONObject()
        let key = ObjectKey(namespace: metadata.string("namespace") ?? "", name: metadata.string("name") ?? "")
        var labels: [Labels.Pair] = []
        for member in metadata.object("labels") ?? JSONObject() {
            labels.append(Labels.Pair(key: member.key, value: member.value.stringValue ?? ""))
        }
        let finalizers = metadata["finalizers"]?.arrayValue ?? []
        return StoredObject(
            key: key, resourceVersion: resourceVersion, uid: metadata.string("uid") ?? "",
            bytes: bytes, itemStart: itemStart, labels: Labels(unsortedPairs: labels),
            fieldValues: fieldValues(of: .object(object), definition: definition),
            hasFinalizers: !finalizers.isEmpty, isDeleting: metadata["deletionTimestamp"] != nil)
    }

    /// Values of the definition's field labels, as the API server's `GetAttrs` renders them:
    /// the first present path of the field's value source (strings as they are, booleans and
    /// numbers as text), else the source's absent value (`""`, or `false` for Go bools).
    static func fieldValues(of object: JSONValue, definition: ResourceDefinition) -> [String] {
        definition.fieldLabels.map { label in
            let source = definition.valueSource(of: label)
            for path in source.paths {
                switch object.value(atPath: path.map { Substring($0) }) {
                case .string(let text)? where !text.isEmpty: return text
                case .bool(let flag)?: return flag ? "true" : "false"
                case .number(let text)?: return text
                default: continue
                }
            }
            return source.absentValue
        }
    }

    /// A built-in object in Go struct order: `kind`, `apiVersion`, `metadata` (ObjectMeta
    /// order, labels and annotations sorted), map fields sorted, the rest as written.
    static func canonicalTyped(_ object: JSONObject) -> JSONObject {
        var result = object
        if var metadata = object.object("metadata") {
            metadata.moveToFront(metadataOrder)
            for key in ["labels", "annotations"] {
                if let map = metadata[key] { metadata[key] = sortedKeys(map) }
            }
            result["metadata"] = .object(metadata)
        }
        for key in mapFields {
            if let map = result[key] { result[key] = sortedKeys(map) }
        }
        result.moveToFront(["kind", "apiVersion", "metadata"])
        return result
    }

    static func sortedKeys(_ value: JSONValue) -> JSONValue {
        guard var object = value.objectValue else { return value }
        object.sortByKey()
        return .object(object)
    }

    /// Every object's keys sorted, at every depth (Go's encoding of `map[string]any`).
    static func sortedRecursively(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var object):
            for member in object { object[member.key] = sortedRecursively(member.value) }
            object.sortByKey()
            return .object(object)
        case .array(let items):
            return .array(items.map(sortedRecursively))
        default:
            return value
        }
    }
}

extension ObjectCodec {
    /// The same object with `metadata.resourceVersion` replaced: what a DELETED event carries.
    static func restamp(_ object: StoredObject, resourceVersion: UInt64, definition: ResourceDefinition) -> StoredObject {
        var parsed = object.parsed()
        var metadata = parsed.object("metadata") ?? JSONObject()
        metadata["resourceVersion"] = .string(String(resourceVersion))
        parsed["metadata"] = .object(metadata)
        return encode(parsed, definition: definition, resourceVersion: resourceVersion)
    }
}
