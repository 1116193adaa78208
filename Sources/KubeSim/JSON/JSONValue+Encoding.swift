import KubeAPI

/// Compact JSON encoding as Go's `encoding/json` writes it: no spaces, HTML-safe string
/// escapes (via KubeAPI's `JSONString`), members in the value's order.
extension JSONValue {
    /// Appends the compact encoding of the value.
    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): JSONString.append(text, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (position, value) in values.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            object.write(to: &out)
        }
    }

    /// The compact encoding.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }
}

extension JSONObject {
    /// Appends `{"k":v,...}` in member order.
    func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
