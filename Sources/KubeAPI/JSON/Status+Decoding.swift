/// Reading a `Status` body: the object of a watch `ERROR` event (a `410 Expired` ends a
/// watch this way) and the body of an upstream error answer.
extension Status {
    /// Decodes a Status body: `code`, `reason`, `message`, `status` and `details` (name, group,
    /// kind, uid, causes, retryAfterSeconds); unknown keys are ignored.
    ///
    /// Returns nil when the bytes are not a well-formed JSON object, when `kind` is present and
    /// not `Status`, or when a field has the wrong type (client-go then falls back to a generic
    /// error built from the HTTP status, as callers should). A missing `code` is 0; a `reason`
    /// this module does not know becomes `.unknown` (its text is dropped); `details` that are
    /// absent or empty are nil, as `jsonBytes` omits empty details.
    public static func status(fromJSON bytes: UnsafeRawBufferPointer) -> Status? {
        var scanner = JSONScanner(bytes)
        var status = Status(code: 0, reason: .unknown, message: "")
        do throws(JSONError) {
            guard try scanner.peekSignificant() == UInt8(ascii: "{") else { return nil }
            try scanner.enterContainer(depth: 1)
            var isFirst = true
            while let key = try scanner.nextMember(isFirst: &isFirst) {
                if scanner.equals(key, "kind") {
                    guard let kind = try scanner.readStringOrNull() else { continue }
                    if !scanner.equals(kind, "Status") { return nil }
                } else if scanner.equals(key, "code") {
                    status.code = try scanner.readInteger() ?? status.code
                } else if scanner.equals(key, "reason") {
                    if let reason = try scanner.readString() { status.reason = StatusReason(rawValue: reason) ?? .unknown }
                } else if scanner.equals(key, "message") {
                    status.message = try scanner.readString() ?? status.message
                } else if scanner.equals(key, "status") {
                    if let text = try scanner.readStringOrNull() { status.isSuccess = scanner.equals(text, "Success") }
                } else if scanner.equals(key, "details") {
                    status.details = try readDetails(&scanner)
                } else {
                    try scanner.skipValue(depth: 1)
                }
            }
            try scanner.finish()
        } catch {
            return nil
        }
        if let details = status.details, details.isEmpty { status.details = nil }
        return status
    }

    public static func status(fromJSON bytes: [UInt8]) -> Status? {
        bytes.withUnsafeBytes { status(fromJSON: $0) }
    }

    public static func status(fromJSON bytes: ArraySlice<UInt8>) -> Status? {
        bytes.withUnsafeBytes { status(fromJSON: $0) }
    }

    private static func readDetails(_ scanner: inout JSONScanner) throws(JSONError) -> Details? {
        if try scanner.consumeNull() { return nil }
        guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
            throw JSONError(.typeMismatch, at: scanner.position)
        }
        try scanner.enterContainer(depth: 2)
        var details = Details()
        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            if scanner.equals(key, "name") {
                details.name = try scanner.readString()
            } else if scanner.equals(key, "group") {
                details.group = try scanner.readString()
            } else if scanner.equals(key, "kind") {
                details.kind = try scanner.readString()
            } else if scanner.equals(key, "uid") {
                details.uid = try scanner.readString()
            } else if scanner.equals(key, "retryAfterSeconds") {
                details.retryAfterSeconds = try scanner.readInteger()
            } else if scanner.equals(key, "causes") {
                details.causes = try readCauses(&scanner)
            } else {
                try scanner.skipValue(depth: 2)
            }
        }
        return details
    }

    private static func readCauses(_ scanner: inout JSONScanner) throws(JSONError) -> [Cause] {
        if try scanner.consumeNull() { return [] }
        guard try scanner.peekSignificant() == UInt8(ascii: "[") else {
            throw JSONError(.typeMismatch, at: scanner.position)
        }
        try scanner.enterContainer(depth: 3)
        var causes: [Cause] = []
        var isFirstCause = true
        while try scanner.nextElement(isFirst: &isFirstCause) {
            guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
                throw JSONError(.typeMismatch, at: scanner.position)
            }
            try scanner.enterContainer(depth: 4)
            var cause = Cause(reason: "", message: "")
            var isFirst = true
            while let key = try scanner.nextMember(isFirst: &isFirst) {
                if scanner.equals(key, "reason") {
                    cause.reason = try scanner.readString() ?? ""
                } else if scanner.equals(key, "message") {
                    cause.message = try scanner.readString() ?? ""
                } else if scanner.equals(key, "field") {
                    cause.field = try scanner.readString()
                } else {
                    try scanner.skipValue(depth: 4)
                }
            }
            causes.append(cause)
        }
        return causes
    }
}
