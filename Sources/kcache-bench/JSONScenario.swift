import Foundation
import KubeAPI

/// Scenario `json`: KubeAPI's byte-level readers on a realistic ~4 KB Pod and on a LIST page of
/// them, each beside Foundation's `JSONSerialization` doing the same job on the same bytes.
///
/// Pairs (ours → Foundation baseline):
/// - `metadata(of:)` → `jsonObject`
/// - `fieldValues(spec.nodeName, status.phase)` → `jsonObject` + reading those two fields
/// - `metadata` + `fieldValues`, and both in one pass with `metadata(of:fieldValues:)` (what
///   the cache does per object) → `jsonObject` + reading the same metadata (name, namespace,
///   uid, resourceVersion, labels) and fields
/// - `ListBody` → `jsonObject` of the list
/// - `ListBody` + per-item reads, two passes or one (a reflector ingesting a page) →
///   `jsonObject` of the list + the same per-item reads
struct JSONScenario {
    var listItems: Int

    func run(with harness: BenchmarkHarness) throws {
        let pod = Array(PodFixture.pod().utf8)
        let podData = Data(pod)
        let list = Array(PodFixture.podList(count: listItems).utf8)
        let listData = Data(list)
        let paths = FieldPaths(["spec.nodeName", "status.phase"])
        let podInput = "Pod \(pod.count) B"
        let listInput = "PodList \(listItems) items, \(list.count / 1024) KiB"

        func ours(_ name: String, _ input: String, _ bytes: Int, _ objects: Int, _ baseline: String,
                  _ body: @escaping () throws -> Int) -> BenchmarkHarness.Case {
            .init(name: name, input: input, bytesPerOperation: bytes, objectsPerOperation: objects, baseline: baseline, body: body)
        }
        func foundation(_ name: String, _ input: String, _ bytes: Int, _ objects: Int,
                        _ body: @escaping () throws -> Int) -> BenchmarkHarness.Case {
            .init(name: name, input: input, bytesPerOperation: bytes, objectsPerOperation: objects, baseline: nil, body: body)
        }

        let cases: [BenchmarkHarness.Case] = [
            foundation("Foundation jsonObject", podInput, pod.count, 1) {
                try JSONSerialization.jsonObject(with: podData) is [String: Any] ? 1 : 0
            },
            ours("ObjectJSON.metadata", podInput, pod.count, 1, "Foundation jsonObject") {
                try ObjectJSON.metadata(of: pod).name.utf8.count
            },
            foundation("Foundation jsonObject + 2 fields", podInput, pod.count, 1) {
                try JSONScenario.foundationFields(JSONScenario.foundationObject(podData))
            },
            ours("ObjectJSON.fieldValues (2 paths)", podInput, pod.count, 1, "Foundation jsonObject + 2 fields") {
                try ObjectJSON.fieldValues(paths, in: pod).count
            },
            foundation("Foundation jsonObject + metadata + 2 fields", podInput, pod.count, 1) {
                let object = try JSONScenario.foundationObject(podData)
                return JSONScenario.foundationMetadata(object) + JSONScenario.foundationFields(object)
            },
            ours("metadata + fieldValues", podInput, pod.count, 1, "Foundation jsonObject + metadata + 2 fields") {
                try ObjectJSON.metadata(of: pod).labels.count + ObjectJSON.fieldValues(paths, in: pod).count
            },
            ours("metadata(of:fieldValues:) one pass", podInput, pod.count, 1, "Foundation jsonObject + metadata + 2 fields") {
                let result = try ObjectJSON.metadata(of: pod, fieldValues: paths)
                return result.metadata.labels.count + result.fieldValues.count
            },
            foundation("Foundation jsonObject (list)", listInput, list.count, listItems) {
                (try JSONSerialization.jsonObject(with: listData) as? [String: Any])?.count ?? 0
            },
            ours("ListBody", listInput, list.count, listItems, "Foundation jsonObject (list)") {
                try ListBody(parsing: list).items.count
            },
            foundation("Foundation list + per-item metadata + 2 fields", listInput, list.count, listItems) {
                let object = try JSONScenario.foundationObject(listData)
                let items = object["items"] as? [[String: Any]] ?? []
                return items.reduce(0) { $0 + JSONScenario.foundationMetadata($1) + JSONScenario.foundationFields($1) }
            },
            ours("ListBody + per-item metadata + fieldValues", listInput, list.count, listItems,
                 "Foundation list + per-item metadata + 2 fields") {
                let body = try ListBody(parsing: list)
                var total = 0
                for range in body.items {
                    let item = list[range]
                    total &+= try ObjectJSON.metadata(of: item).labels.count
                    total &+= try ObjectJSON.fieldValues(paths, in: item).count
                }
                return total
            },
            ours("ListBody + per-item one pass", listInput, list.count, listItems,
                 "Foundation list + per-item metadata + 2 fields") {
                let body = try ListBody(parsing: list)
                var total = 0
                for range in body.items {
                    let result = try ObjectJSON.metadata(of: list[range], fieldValues: paths)
                    total &+= result.metadata.labels.count + result.fieldValues.count
                }
                return total
            },
        ]

        print("kcache-bench json: \(harness.runs) interleaved rounds, ≥\(harness.minimumDuration) per case per round, median reported")
        let (results, checksum) = try harness.run(cases)
        BenchmarkHarness.printTable(results)
        print("(speed-up: Foundation's median time ÷ ours for the same job; spread: half the min–max range of the rounds; checksum \(checksum & 0xFFFF))")
    }

    static func foundationObject(_ data: Data) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The metadata `ObjectJSON.metadata` reads, read from Foundation's tree.
    static func foundationMetadata(_ object: [String: Any]) -> Int {
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        let name = metadata["name"] as? String ?? ""
        let namespace = metadata["namespace"] as? String ?? ""
        let uid = metadata["uid"] as? String ?? ""
        let resourceVersion = (metadata["resourceVersion"] as? String).flatMap { UInt64($0) }
        let labels = metadata["labels"] as? [String: String] ?? [:]
        let kind = object["kind"] as? String
        return name.utf8.count + namespace.utf8.count + uid.utf8.count + labels.count
            + (resourceVersion == nil ? 0 : 1) + (kind == nil ? 0 : 1)
    }

    /// `spec.nodeName` and `status.phase` from Foundation's tree.
    static func foundationFields(_ object: [String: Any]) -> Int {
        let nodeName = (object["spec"] as? [String: Any])?["nodeName"] as? String
        let phase = (object["status"] as? [String: Any])?["phase"] as? String
        return (nodeName?.utf8.count ?? 0) + (phase?.utf8.count ?? 0)
    }
}
