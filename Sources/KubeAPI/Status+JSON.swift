/// JSON encoding of a `Status`, byte for byte in the API server's field order.
extension Status {
    /// The JSON body: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",...}`.
    /// Empty `message`, `reason` and `details` are omitted as the API server omits them.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + message.utf8.count)
        out.append(contentsOf: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":""#.utf8)
        out.append(contentsOf: (isSuccess ? "Success" : "Failure").utf8)
        out.append(UInt8(ascii: "\""))
        if !message.isEmpty {
            out.append(contentsOf: #","message":"#.utf8)
            JSONString.append(message, to: &out)
        }
        if reason != .unknown {
            out.append(contentsOf: #","reason":"#.utf8)
            JSONString.append(reason.rawValue, to: &out)
        }
        if let details, !details.isEmpty {
            out.append(contentsOf: #","details":"#.utf8)
            details.appendJSON(to: &out)
        }
        out.append(contentsOf: #","code":"#.utf8)
        out.append(contentsOf: String(code).utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The body as a `String`, for logs and tests.
    public var json: String { String(decoding: jsonBytes, as: UTF8.self) }
}

extension Status.Details {
    var isEmpty: Bool {
        name == nil && group == nil && kind == nil && uid == nil && causes.isEmpty && retryAfterSeconds == nil
    }

    func appendJSON(to out: inout [UInt8]) {
        var fields = JSONObjectWriter(into: out)
        if let name { fields.string("name", name) }
        if let group { fields.string("group", group) }
        if let kind { fields.string("kind", kind) }
        if let uid { fields.string("uid", uid) }
        if !causes.isEmpty {
            fields.raw("causes") { out in
                out.append(UInt8(ascii: "["))
                for (index, cause) in causes.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    var causeFields = JSONObjectWriter(into: out)
                    causeFields.string("reason", cause.reason)
                    causeFields.string("message", cause.message)
                    if let field = cause.field { causeFields.string("field", field) }
                    out = causeFields.finish()
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        if let retryAfterSeconds { fields.raw("retryAfterSeconds") { $0.append(contentsOf: String(retryAfterSeconds).utf8) } }
        out = fields.finish()
    }
}

/// Writes one JSON object's fields in order; `finish()` closes it and returns the buffer.
struct JSONObjectWriter {
    private var out: [UInt8]
    private var isFirst = true

    init(into out: [UInt8]) {
        self.out = out
        self.out.append(UInt8(ascii: "{"))
    }

    mutating func string(_ key: String, _ value: String) {
        raw(key) { JSONString.append(value, to: &$0) }
    }

    mutating func raw(_ key: String, _ write: (inout [UInt8]) -> Void) {
        if !isFirst { out.append(UInt8(ascii: ",")) }
        isFirst = false
        JSONString.append(key, to: &out)
        out.append(UInt8(ascii: ":"))
        write(&out)
    }

    consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }
}
