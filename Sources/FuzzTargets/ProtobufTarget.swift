import KubeAPI

/// The protobuf readers: `ProtobufEnvelope(parsing:)`, `ProtobufObjectMeta(objectBytes:)` and
/// `Status(protobufObject:)`. Input: a protobuf body (`k8s\0` and a `runtime.Unknown`). The
/// object readers also read the whole input as an object message, so the fuzzer reaches them
/// without building an envelope first.
///
/// Invariants, beyond "no trap":
/// - `raw` is in bounds (after the magic, or `count..<count` when absent); the array, slice
///   and pointer overloads agree, the slice's ranges in its indices.
/// - Round trips through `ProtobufWriter`: re-encoding what was read (envelope fields,
///   ObjectMeta identity, Status with details and causes) reads back the same.
/// - A Status read from protobuf reads back the same from its JSON encoding (`jsonBytes`).
enum ProtobufTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        try checkObject(bytes)
        guard let envelope = try? ProtobufEnvelope(parsing: bytes) else { return }
        try expect(ProtobufEnvelope.hasMagic(bytes), "an envelope without the magic parsed: \(show(bytes))")
        let raw = envelope.raw
        try expect(raw == bytes.count..<bytes.count || (raw.lowerBound >= 4 && raw.upperBound <= bytes.count),
                   "raw \(raw) out of bounds in \(bytes.count) bytes")
        let padded = [0xFF] + bytes
        let sliced = try? ProtobufEnvelope(parsing: padded[1...])
        try expect(sliced?.raw == (raw.lowerBound + 1)..<(raw.upperBound + 1), "slice raw is not in the slice's indices")

        let rawBytes = Array(bytes[raw])
        let unknown = ProtobufWriter()
            .message(1, ProtobufWriter().string(1, envelope.apiVersion).string(2, envelope.kind))
            .bytes(2, rawBytes).string(3, envelope.contentEncoding).string(4, envelope.contentType)
        let reencoded = ProtobufEnvelope.magic + unknown.bytes
        guard let again = try? ProtobufEnvelope(parsing: reencoded) else {
            throw InvariantViolation("re-encoded envelope does not parse: \(show(reencoded))")
        }
        try expect(again.apiVersion == envelope.apiVersion && again.kind == envelope.kind
                   && again.contentEncoding == envelope.contentEncoding && again.contentType == envelope.contentType
                   && Array(reencoded[again.raw]) == rawBytes,
                   "envelope does not round-trip: \(show(bytes))")
        try checkObject(rawBytes)
    }

    /// The object readers on one object message.
    private static func checkObject(_ bytes: [UInt8]) throws(InvariantViolation) {
        if let meta = try? ProtobufObjectMeta(objectBytes: bytes) {
            let padded = [0x00] + bytes
            try expect((try? ProtobufObjectMeta(objectBytes: padded[1...])) == meta, "ObjectMeta slice read differs")
            var metadata = ProtobufWriter().string(1, meta.name).string(2, meta.generateName).string(3, meta.namespace)
                .string(5, meta.uid)
            if let rv = meta.resourceVersion { metadata = metadata.string(6, rv.description) }
            let object = ProtobufWriter().message(1, metadata).message(2, ProtobufWriter().string(1, "spec"))
            try expect((try? ProtobufObjectMeta(objectBytes: object.bytes)) == meta, "ObjectMeta \(meta) does not round-trip")
        }
        guard let status = try? Status(protobufObject: bytes) else { return }
        let padded = [0x00] + bytes
        try expect((try? Status(protobufObject: padded[1...])) == status, "Status slice read differs")
        try expect((try? Status(protobufObject: encode(status))) == status, "Status \(status) does not round-trip through protobuf")
        try expect(Status.status(fromJSON: status.jsonBytes) == status, "Status \(status) reads back otherwise from JSON \(show(status.jsonBytes))")
    }

    /// `Status` as the API server's protobuf encoding writes it (meta/v1 generated.proto).
    static func encode(_ status: Status) -> [UInt8] {
        var message = ProtobufWriter().message(1, ProtobufWriter())
            .string(2, status.isSuccess ? "Success" : "Failure").string(3, status.message).string(4, status.reason.rawValue)
        if let details = status.details {
            var fields = ProtobufWriter()
            if let name = details.name { fields = fields.string(1, name) }
            if let group = details.group { fields = fields.string(2, group) }
            if let kind = details.kind { fields = fields.string(3, kind) }
            for cause in details.causes {
                var encoded = ProtobufWriter().string(1, cause.reason).string(2, cause.message)
                if let field = cause.field { encoded = encoded.string(3, field) }
                fields = fields.message(4, encoded)
            }
            if let seconds = details.retryAfterSeconds { fields = fields.varint(5, UInt64(bitPattern: Int64(seconds))) }
            if let uid = details.uid { fields = fields.string(6, uid) }
            message = message.message(5, fields)
        }
        return message.varint(6, UInt64(bitPattern: Int64(status.code))).bytes
    }
}
