import Foundation
import KubeTestSupport
import Testing

/// The motivating scenario of read-your-writes (issue 4), run through one kcache: `chains`
/// independent chains, each in its own namespace, each doing
///
///     create → GET (the object, with its data and RV)
///     update → GET (the new data)
///     delete → GET (404 NotFound)
///     create → LIST (the list holds the new object)
///
/// with every read sent the moment the write's answer arrives, and every read judged on its
/// content: a read that does not show its own write is stale. Chains run `concurrency` at a
/// time: each read may wait about a watch lag, so running them one after another would take
/// minutes; running them side by side keeps every write→read pair as it is (each read still
/// follows its own write on its own connection) and only adds writes by others in between.
struct StaleReadScenario {
    /// The four write→read pairs of a chain.
    enum Pair: String, CaseIterable, Sendable {
        case createThenGet = "create→GET"
        case updateThenGet = "update→GET"
        case deleteThenGet = "delete→GET"
        case createThenList = "create→LIST"
    }

    /// One read after a write, judged.
    struct Read: Sendable {
        var pair: Pair
        var isFresh: Bool
        /// `X-Kcache-Source` of the answer.
        var source: String?
        /// What was read, for the report of a stale one.
        var detail: String
    }

    /// Every read of a run.
    struct Tally: Sendable {
        var reads: [Read] = []
        var duration: Duration = .zero

        var stale: [Read] { reads.filter { !$0.isFresh } }
        func stale(_ pair: Pair) -> Int { reads.filter { $0.pair == pair && !$0.isFresh }.count }
        func count(_ pair: Pair) -> Int { reads.filter { $0.pair == pair }.count }
        func answered(by source: String) -> Int { reads.filter { $0.source == source }.count }

        /// `0 stale of 800 reads (create→GET 0/200, …); 790 from the cache, 10 upstream`.
        var summary: String {
            let pairs = Pair.allCases.map { "\($0.rawValue) \(stale($0))/\(count($0))" }.joined(separator: ", ")
            return "\(stale.count) stale of \(reads.count) reads (\(pairs)); \(answered(by: "cache")) answered from the cache, "
                + "\(answered(by: "upstream")) upstream; " + String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
    }

    var chains = 200
    var concurrency = 50
    /// Chain `i` works in namespace `<prefix><i>` (seeded with `SeedPlan(namespacePrefix:)`).
    var namespacePrefix = "ryw-"

    func run(_ fixture: ProxyFixture) async throws -> Tally {
        let clock = ContinuousClock()
        let start = clock.now
        var tally = Tally()
        try await withThrowingTaskGroup(of: [Read].self) { group in
            var next = 0
            while next < min(concurrency, chains) {
                let index = next
                group.addTask { try await chain(index, fixture) }
                next += 1
            }
            while let reads = try await group.next() {
                tally.reads += reads
                if next < chains {
                    let index = next
                    group.addTask { try await chain(index, fixture) }
                    next += 1
                }
            }
        }
        tally.duration = clock.now - start
        return tally
    }

    /// One chain of four write→read pairs on objects of its own namespace.
    private func chain(_ index: Int, _ fixture: ProxyFixture) async throws -> [Read] {
        let namespace = "\(namespacePrefix)\(index)"
        let objectPath = "/api/v1/namespaces/\(namespace)/configmaps/object"
        var reads: [Read] = []

        let createdData = ["chain": String(index), "step": "created"]
        let created = try await fixture.createConfigMap(namespace, "object", data: createdData)
        reads.append(Self.judgeObject(.createThenGet, try await fixture.get(objectPath), expected: createdData, written: created))

        let updatedData = ["chain": String(index), "step": "updated"]
        let updated = try await fixture.updateConfigMap(namespace, "object", data: updatedData)
        reads.append(Self.judgeObject(.updateThenGet, try await fixture.get(objectPath), expected: updatedData, written: updated))

        try await fixture.deleteConfigMap(namespace, "object")
        let afterDelete = try await fixture.get(objectPath)
        let body = KubeBody(afterDelete)
        reads.append(Read(
            pair: .deleteThenGet, isFresh: afterDelete.status == 404 && body.reason == "NotFound",
            source: afterDelete.kcacheSource, detail: "\(afterDelete.status) \(body.reason ?? "") rv=\(body.resourceVersion ?? "-")"))

        let listedData = ["chain": String(index), "step": "listed"]
        let listed = try await fixture.createConfigMap(namespace, "listed", data: listedData)
        let list = try await fixture.get("/api/v1/namespaces/\(namespace)/configmaps")
        let listBody = KubeBody(list)
        let item = listBody.item(named: "listed")
        let listVersion = listBody.resourceVersion.flatMap { UInt64($0) } ?? 0
        reads.append(Read(
            pair: .createThenList,
            isFresh: list.status == 200 && item?.data == listedData
                && item?.resourceVersion == String(listed.resourceVersion) && listVersion >= listed.resourceVersion,
            source: list.kcacheSource,
            detail: "\(list.status) list rv=\(listVersion) items=\(listBody.items.compactMap(\.name)) wrote rv=\(listed.resourceVersion)"))
        return reads
    }

    /// A GET after a create or update is fresh when it answers that object with the data and
    /// resourceVersion the write answered (nobody else writes it).
    private static func judgeObject(_ pair: Pair, _ response: TestHTTPResponse, expected: [String: String], written: Written) -> Read {
        let body = KubeBody(response)
        let isFresh = response.status == 200 && body.data == expected
            && body.resourceVersion == String(written.resourceVersion) && body.uid == written.uid
        return Read(
            pair: pair, isFresh: isFresh, source: response.kcacheSource,
            detail: "\(response.status) data=\(body.data ?? [:]) rv=\(body.resourceVersion ?? "-") wrote rv=\(written.resourceVersion)")
    }
}
