/// Reading a `Status` from protobuf: the answer to a DELETE of most built-in kinds, whose
/// `details.uid` tells kcache which object the write removed.
extension Status {
    /// Decodes a `Status` message (the `raw` bytes of a `ProtobufEnvelope` of kind `Status`).
    ///
    /// `Status` (meta/v1 generated.proto): `metadata` = 1 (skipped), `status` = 2,
    /// `message` = 3, `reason` = 4, `details` = 5, `code` = 6; `StatusDetails`: `name` = 1,
    /// `group` = 2, `kind` = 3, `causes` = 4 (`StatusCause`: `reason` = 1, `message` = 2,
    /// `field` = 3), `retryAfterSeconds` = 5, `uid` = 6. As with `status(fromJSON:)`, a reason
    /// this module does not know becomes `.unknown`, and empty details are nil.
    ///
    /// - Throws: `ProtobufError` on malformed input; never traps.
    public init(protobufObject bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        self.init(code: 0, reason: .unknown, message: "")
        var reader = ProtobufReader(bytes, range: 0..<bytes.count)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 2: isSuccess = try reader.readString(wireType: wireType) == "Success"
            case 3: message = try reader.readString(wireType: wireType)
            case 4: reason = StatusReason(rawValue: try reader.readString(wireType: wireType)) ?? .unknown
            case 5:
                let range = try reader.readLengthDelimited(wireType: wireType)
                var merged = details ?? Details()
                try Status.readDetails(bytes, range, into: &merged)
                details = merged
            case 6: code = Int(Int32(truncatingIfNeeded: try reader.readVarint(wireType: wireType)))
            default: try reader.skip(wireType: wireType)
            }
        }
        if let details, details.isEmpty { self.details = nil }
    }

    public init(protobufObject bytes: [UInt8]) throws(ProtobufError) {
        self = try ProtobufReader.withBytes(bytes) { (raw) throws(ProtobufError) in try Status(protobufObject: raw) }
    }

    public init(protobufObject bytes: ArraySlice<UInt8>) throws(ProtobufError) {
        self = try ProtobufReader.withBytes(bytes) { (raw) throws(ProtobufError) in try Status(protobufObject: raw) }
    }

    private static func readDetails(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into details: inout Details
    ) throws(ProtobufError) {
        var reader = ProtobufReader(bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: details.name = try reader.readString(wireType: wireType)
            case 2: details.group = try reader.readString(wireType: wireType)
            case 3: details.kind = try reader.readString(wireType: wireType)
            case 4:
                let cause = try reader.readLengthDelimited(wireType: wireType)
                details.causes.append(try readCause(bytes, cause))
            case 5:
                let seconds = Int32(truncatingIfNeeded: try reader.readVarint(wireType: wireType))
                details.retryAfterSeconds = Int(seconds)
            case 6: details.uid = try reader.readString(wireType: wireType)
            default: try reader.skip(wireType: wireType)
            }
        }
    }

    private static func readCause(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ProtobufError) -> Cause {
        var cause = Cause(reason: "", message: "")
        var reader = ProtobufReader(bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: cause.reason = try reader.readString(wireType: wireType)
            case 2: cause.message = try reader.readString(wireType: wireType)
            case 3: cause.field = try reader.readString(wireType: wireType)
            default: try reader.skip(wireType: wireType)
            }
        }
        return cause
    }
}
