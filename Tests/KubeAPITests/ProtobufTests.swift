import Testing
@testable import KubeAPI

/// The protobuf envelope, ObjectMeta and Status readers on hand-built messages, and their
/// refusal of truncated and hostile bytes.
@Suite struct ProtobufTests {
    /// A tiny protobuf writer for building test messages.
    struct Message {
        var bytes: [UInt8] = []

        static func varint(_ value: UInt64) -> [UInt8] {
            var value = value
            var out: [UInt8] = []
            while value >= 0x80 {
                out.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            out.append(UInt8(value))
            return out
        }

        func varint(_ field: UInt64, _ value: UInt64) -> Message {
            var copy = self
            copy.bytes += Message.varint(field << 3) + Message.varint(value)
            return copy
        }

        func bytes(_ field: UInt64, _ payload: [UInt8]) -> Message {
            var copy = self
            copy.bytes += Message.varint(field << 3 | 2) + Message.varint(UInt64(payload.count)) + payload
            return copy
        }

        func string(_ field: UInt64, _ text: String) -> Message { bytes(field, Array(text.utf8)) }
        func message(_ field: UInt64, _ nested: Message) -> Message { bytes(field, nested.bytes) }
        func fixed64(_ field: UInt64) -> Message {
            var copy = self
            copy.bytes += Message.varint(field << 3 | 1) + [1, 2, 3, 4, 5, 6, 7, 8]
            return copy
        }
        func fixed32(_ field: UInt64) -> Message {
            var copy = self
            copy.bytes += Message.varint(field << 3 | 5) + [1, 2, 3, 4]
            return copy
        }
    }

    static let objectMeta = Message()
        .string(1, "web-1").string(2, "web-").string(3, "shop").string(4, "/api/v1/namespaces/shop/pods/web-1")
        .string(5, "5c7a1f3e-uid").string(6, "48213377").varint(7, 3)
        .message(8, Message().varint(1, 1_700_000_000))
        .message(11, Message().string(1, "app").string(2, "web"))

    /// A Pod message: metadata = 1, spec = 2, status = 3.
    static let pod = Message().message(1, objectMeta)
        .message(2, Message().string(10, "node-a")).message(3, Message().string(1, "Running"))

    static func envelope(kind: String, apiVersion: String = "v1", raw: Message) -> [UInt8] {
        let unknown = Message()
            .message(1, Message().string(1, apiVersion).string(2, kind))
            .bytes(2, raw.bytes)
            .string(3, "")
            .string(4, "application/vnd.kubernetes.protobuf")
        return ProtobufEnvelope.magic + unknown.bytes
    }

    @Test func readsAPodEnvelope() throws {
        let body = ProtobufTests.envelope(kind: "Pod", raw: ProtobufTests.pod)
        #expect(ProtobufEnvelope.hasMagic(body))
        let envelope = try ProtobufEnvelope(parsing: body)
        #expect(envelope.kind == "Pod" && envelope.apiVersion == "v1")
        #expect(envelope.contentType == "application/vnd.kubernetes.protobuf" && envelope.contentEncoding == "")
        #expect(Array(body[envelope.raw]) == ProtobufTests.pod.bytes)
        let meta = try ProtobufObjectMeta(objectBytes: body[envelope.raw])
        #expect(meta == ProtobufObjectMeta(name: "web-1", generateName: "web-", namespace: "shop", uid: "5c7a1f3e-uid",
                                           resourceVersion: ResourceVersion(48_213_377)))
    }

    @Test func readsTheUIDOfAStatusAnsweringADelete() throws {
        let details = Message().string(1, "settings").string(3, "configmaps").string(6, "11111111-uid")
            .message(4, Message().string(1, "FieldValueInvalid").string(2, "bad").string(3, "data"))
            .varint(5, 2)
        let status = Message().message(1, Message()).string(2, "Success").message(5, details).varint(6, 200)
        let body = ProtobufTests.envelope(kind: "Status", raw: status)
        let envelope = try ProtobufEnvelope(parsing: body)
        #expect(envelope.kind == "Status")
        let decoded = try Status(protobufObject: body[envelope.raw])
        #expect(decoded.isSuccess && decoded.code == 200)
        #expect(decoded.details?.uid == "11111111-uid")
        #expect(decoded.details?.name == "settings" && decoded.details?.kind == "configmaps")
        #expect(decoded.details?.causes == [Status.Cause(reason: "FieldValueInvalid", message: "bad", field: "data")])
        #expect(decoded.details?.retryAfterSeconds == 2)
    }

    @Test func readsAFailureStatus() throws {
        let status = Message().string(2, "Failure").string(3, "configmaps \"x\" not found").string(4, "NotFound")
            .message(5, Message().string(1, "x").string(3, "configmaps")).varint(6, 404)
        let decoded = try Status(protobufObject: status.bytes)
        #expect(decoded == Status.notFound(resource: "configmaps", name: "x"))
    }

    @Test func negativeInt32UsesTenByteVarints() throws {
        let status = Message().varint(6, UInt64(bitPattern: -1))
        #expect(status.bytes.count == 11)
        #expect(try Status(protobufObject: status.bytes).code == -1)
    }

    @Test func skipsUnknownFieldsOfEveryWireTypeAndMergesRepeats() throws {
        let meta = Message().fixed64(20).string(1, "a").fixed32(21).varint(22, 300).string(6, "9")
        let object = Message().fixed32(9).message(1, meta).message(1, Message().string(3, "ns")).string(1 << 20, "far")
        let decoded = try ProtobufObjectMeta(objectBytes: object.bytes)
        #expect(decoded.name == "a" && decoded.namespace == "ns" && decoded.resourceVersion == ResourceVersion(9))
    }

    @Test func sliceRangesUseSliceIndices() throws {
        let body = [0xAA, 0xBB] + ProtobufTests.envelope(kind: "Pod", raw: ProtobufTests.pod)
        let envelope = try ProtobufEnvelope(parsing: body[2...])
        #expect(Array(body[envelope.raw]) == ProtobufTests.pod.bytes)
    }

    static let hostile: [[UInt8]] = [
        [],
        [0x6B, 0x38, 0x73],
        Array("k8s ".utf8),
        Array("{\"kind\":\"Pod\"}".utf8),
        ProtobufEnvelope.magic + [0x12],                          // raw: tag without length
        ProtobufEnvelope.magic + [0x12, 0x05, 0x01],              // raw: length beyond the end
        ProtobufEnvelope.magic + [0x12] + [UInt8](repeating: 0xFF, count: 10) + [0x01],  // length varint too long
        ProtobufEnvelope.magic + [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // 2^64-1
        ProtobufEnvelope.magic + [0x0A, 0x02, 0x0A, 0x09],        // typeMeta: apiVersion overruns
        ProtobufEnvelope.magic + [0x10, 0x01],                    // raw sent as a varint
        ProtobufEnvelope.magic + [0x0B],                          // wire type 3 (group)
        ProtobufEnvelope.magic + [0x00, 0x00],                    // field 0
        ProtobufEnvelope.magic + [0x39, 0x01, 0x02],              // fixed64 truncated
        ProtobufEnvelope.magic + [0x3D, 0x01],                    // fixed32 truncated
        ProtobufEnvelope.magic + [0x80],                          // tag varint truncated
    ]

    @Test(arguments: hostile)
    func envelopeRejectsHostileBytes(_ bytes: [UInt8]) {
        #expect(throws: ProtobufError.self) { try ProtobufEnvelope(parsing: bytes) }
    }

    @Test func everyTruncationOfAnObjectThrowsOrStaysInBounds() {
        // Cutting a message anywhere must throw or yield a prefix's fields, never trap.
        let bytes = ProtobufTests.pod.bytes
        var threw = 0
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[..<cut])
            if (try? ProtobufObjectMeta(objectBytes: prefix)) == nil { threw += 1 }
            _ = try? Status(protobufObject: prefix)
        }
        #expect(threw > bytes.count / 2)
        let envelope = ProtobufTests.envelope(kind: "Pod", raw: ProtobufTests.pod)
        for cut in 5..<envelope.count where (try? ProtobufEnvelope(parsing: Array(envelope[..<cut]))) != nil {
            // Only cuts at field boundaries parse, and then `raw` lies inside the prefix.
            #expect(try! ProtobufEnvelope(parsing: Array(envelope[..<cut])).raw.upperBound <= cut)
        }
    }

    @Test func randomBytesNeverTrap() {
        var state: UInt64 = 12345
        for _ in 0..<2_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 58)
            var bytes = ProtobufEnvelope.magic
            for index in 0..<length { bytes.append(UInt8(truncatingIfNeeded: state >> UInt64(index % 56))) }
            _ = try? ProtobufEnvelope(parsing: bytes)
            _ = try? ProtobufObjectMeta(objectBytes: Array(bytes.dropFirst(4)))
            _ = try? Status(protobufObject: Array(bytes.dropFirst(4)))
        }
    }
}

extension ProtobufObjectMeta {
    init(name: String, generateName: String, namespace: String, uid: String, resourceVersion: ResourceVersion?) {
        self = try! ProtobufObjectMeta(objectBytes: [])
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}
