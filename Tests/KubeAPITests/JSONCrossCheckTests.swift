import Foundation
import Testing
@testable import KubeAPI

/// Property-style cross-check: on a few hundred random objects from a seeded generator, the
/// byte-level readers agree with Foundation's `JSONSerialization` reading the same bytes.
@Suite struct JSONCrossCheckTests {
    /// SplitMix64: small, seeded, reproducible.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    /// Writes random JSON with escapes, unicode, numbers, nesting and random whitespace.
    struct Writer {
        var random: Generator
        var out = ""

        mutating func space() {
            if random.chance(20) { out += [" ", "\n", "\t ", "\r\n  "][random.below(4)] }
        }

        mutating func string() -> String {
            let pieces = ["a", "web", "-", ".", "/", "é", "日本", "😀", "\"", "\\", "\n", "\t", "<", "&", "\u{7}", "x9"]
            return (0..<random.below(6)).map { _ in pieces[random.below(pieces.count)] }.joined()
        }

        /// `value` as JSON text, escaping some characters the long way round.
        mutating func quoted(_ value: String) {
            out += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += random.chance(50) ? "\\n" : "\\u000a"
                case "\t": out += "\\t"
                case "/": out += random.chance(50) ? "\\/" : "/"
                case "é": out += random.chance(50) ? "\\u00e9" : "é"
                case "😀": out += random.chance(50) ? "\\ud83d\\ude00" : "😀"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }

        mutating func value(depth: Int) {
            switch random.below(depth > 3 ? 5 : 7) {
            case 0: quoted(string())
            case 1: out += ["0", "-1", "42", "3.25", "1e3", "-0.5E-2", "123456789012"][random.below(7)]
            case 2: out += ["true", "false"][random.below(2)]
            case 3: out += "null"
            case 4: quoted(string())
            case 5:
                out += "["
                for index in 0..<random.below(4) {
                    if index > 0 { out += "," }
                    space(); value(depth: depth + 1); space()
                }
                out += "]"
            default:
                object(depth: depth + 1, members: (0..<random.below(4)).map { _ in string() })
            }
        }

        mutating func object(depth: Int, members: [String], fixed: [(String, (inout Writer) -> Void)] = []) {
            out += "{"
            var entries: [(String, (inout Writer) -> Void)] = members.map { key in (key, { $0.value(depth: depth) }) }
            entries += fixed
            // Unusual orders: shuffle with the seeded generator.
            for index in entries.indices.reversed() where index > 0 { entries.swapAt(index, random.below(index + 1)) }
            var seen = Set<String>()
            var first = true
            for (key, write) in entries where seen.insert(key).inserted {
                if !first { out += "," }
                first = false
                space(); quoted(key); space(); out += ":"; space()
                write(&self)
                space()
            }
            out += "}"
        }

        /// A Kubernetes-shaped object: metadata with identity and labels, spec and status.
        mutating func kubeObject(withTypeMeta: Bool) {
            let name = "obj-" + string()
            let namespace = random.chance(70) ? "ns-" + string() : ""
            let labels = (0..<random.below(5)).map { _ in ("k" + string(), string()) }
            let rv = String(random.below(1_000_000_000) + 1)
            var fixed: [(String, (inout Writer) -> Void)] = [
                ("metadata", { writer in
                    var metaFields: [(String, (inout Writer) -> Void)] = [
                        ("name", { $0.quoted(name) }), ("resourceVersion", { $0.quoted(rv) }),
                        ("uid", { $0.quoted("uid-" + name) }),
                        ("labels", { w in w.object(depth: 3, members: [], fixed: labels.map { l in (l.0, { $0.quoted(l.1) }) }) }),
                    ]
                    if !namespace.isEmpty { metaFields.append(("namespace", { $0.quoted(namespace) })) }
                    writer.object(depth: 2, members: ["annotationsish"], fixed: metaFields)
                }),
                ("spec", { w in
                    w.object(depth: 2, members: ["x", "y"], fixed: [("nodeName", { w in let node = w.string(); w.quoted("node-" + node) })])
                }),
                ("status", { w in w.object(depth: 2, members: ["z"], fixed: [("phase", { $0.value(depth: 4) })]) }),
            ]
            if withTypeMeta {
                fixed += [("kind", { $0.quoted("Thing") }), ("apiVersion", { $0.quoted("example.com/v1") })]
            }
            object(depth: 1, members: ["data", "extra"], fixed: fixed)
        }
    }

    @Test func metadataAndFieldValuesAgreeWithJSONSerialization() throws {
        var checked = 0
        for seed in 1...300 as ClosedRange<UInt64> {
            var writer = Writer(random: Generator(state: seed))
            writer.kubeObject(withTypeMeta: seed % 2 == 0)
            let bytes = Array(writer.out.utf8)
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], "seed \(seed)")
            let referenceMeta = reference["metadata"] as? [String: Any] ?? [:]

            let metadata = try ObjectJSON.metadata(of: bytes)
            #expect(metadata.name == referenceMeta["name"] as? String, "seed \(seed)")
            #expect(metadata.namespace == (referenceMeta["namespace"] as? String ?? ""), "seed \(seed)")
            #expect(metadata.uid == referenceMeta["uid"] as? String, "seed \(seed)")
            #expect(metadata.resourceVersion?.description == referenceMeta["resourceVersion"] as? String, "seed \(seed)")
            #expect(metadata.labels.dictionary == (referenceMeta["labels"] as? [String: String] ?? [:]), "seed \(seed)")
            #expect(metadata.kind == reference["kind"] as? String, "seed \(seed)")
            // The metadata range re-parses to the same dictionary.
            let metaSlice = Data(bytes[metadata.metadataRange])
            let reparsed = try JSONSerialization.jsonObject(with: metaSlice) as? NSDictionary
            #expect(reparsed == referenceMeta as NSDictionary, "seed \(seed)")

            let values = try ObjectJSON.fieldValues(["spec.nodeName", "status.phase", "metadata.name"], in: bytes)
            let spec = reference["spec"] as? [String: Any]
            let status = reference["status"] as? [String: Any]
            #expect(values[0] == spec?["nodeName"] as? String, "seed \(seed)")
            switch status?["phase"] {
            case let phase as String: #expect(values[1] == phase, "seed \(seed)")
            case is NSNull, is [Any], is [String: Any], nil: #expect(values[1] == nil, "seed \(seed)")
            default: #expect(values[1] != nil, "numbers and booleans render as text, seed \(seed)")
            }
            #expect(values[2] == metadata.name)
            let combined = try ObjectJSON.metadata(of: bytes, fieldValues: FieldPaths(["spec.nodeName", "status.phase", "metadata.name"]))
            #expect(combined.metadata == metadata && combined.fieldValues == values, "seed \(seed)")
            checked += 1
        }
        #expect(checked == 300)
    }

    @Test func listBodyAgreesWithJSONSerialization() throws {
        for seed in 1000...1100 as ClosedRange<UInt64> {
            var random = Generator(state: seed)
            var writer = Writer(random: Generator(state: seed &* 7))
            let count = random.below(8)
            writer.out = #"{"kind":"ThingList","apiVersion":"example.com/v1","metadata":{"resourceVersion":"\#(seed)"},"items":["#
            for index in 0..<count {
                if index > 0 { writer.out += "," }
                writer.space()
                writer.kubeObject(withTypeMeta: random.chance(50))
                writer.space()
            }
            writer.out += "]}"
            let bytes = Array(writer.out.utf8)
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            let referenceItems = try #require(reference["items"] as? [Any])

            let list = try ListBody(parsing: bytes)
            #expect(list.items.count == referenceItems.count, "seed \(seed)")
            #expect(list.resourceVersion == ResourceVersion(seed))
            for (range, item) in zip(list.items, referenceItems) {
                let reparsed = try JSONSerialization.jsonObject(with: Data(bytes[range])) as? NSDictionary
                #expect(reparsed == (item as? NSDictionary), "seed \(seed)")
            }
        }
    }

    @Test func rejectsWhatJSONSerializationRejects() {
        // Random single-byte corruptions of a valid object: whenever Foundation rejects the
        // result, so must the scanner (it may reject more: Foundation tolerates some extras).
        let valid = Array(JSONFixtures.configMap.utf8)
        var random = Generator(state: 99)
        var rejectedByBoth = 0
        for _ in 0..<400 {
            var corrupted = valid
            corrupted[random.below(corrupted.count)] = [UInt8(ascii: "{"), UInt8(ascii: "]"), UInt8(ascii: "\""),
                                                       UInt8(ascii: ","), UInt8(ascii: ":"), 0x01, UInt8(ascii: "\\")][random.below(7)]
            let foundationAccepts = (try? JSONSerialization.jsonObject(with: Data(corrupted))) != nil
            let ours = Result { try ObjectJSON.metadata(of: corrupted) }
            if !foundationAccepts {
                if case .success = ours {
                    Issue.record("accepted what Foundation rejects: \(String(decoding: corrupted, as: UTF8.self))")
                }
                rejectedByBoth += 1
            }
        }
        #expect(rejectedByBoth > 100)
    }
}
