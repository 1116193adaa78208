import Foundation
import Testing
@testable import KubeSnapshot

@Suite("Snapshot benchmark")
struct SnapshotBenchmarkTests {
    /// Reports (does not assert) save and load times. 1,000 objects by default: the benchmark's
    /// cold-start comparison parses on the calling task, and in a debug build 10,000 objects
    /// hold a cooperative thread for seconds, starving time-bounded tests running beside it.
    /// `KCACHE_SNAPSHOT_BENCH_OBJECTS=100000` (ideally in a release build) for the real size.
    @Test("save and load times are reported")
    func benchmark() async throws {
        let count = ProcessInfo.processInfo.environment["KCACHE_SNAPSHOT_BENCH_OBJECTS"].flatMap(Int.init) ?? 1_000
        let directory = TemporaryDirectory()
        let result = try await SnapshotBenchmark.run(objects: count, objectBytes: 2048, directory: directory.path)
        print(result)
        #expect(result.objects == count)
        #expect(result.changedObjects == count / 100)
        #expect(result.averageObjectBytes >= 2000)
        #expect(directory.entries.isEmpty)
    }
}
