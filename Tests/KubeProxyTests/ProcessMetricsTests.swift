#if canImport(Glibc)
import Glibc
@testable import KubeProxy
import Testing

/// `process_open_fds` counts this process's descriptors exactly, reading only as much of
/// each directory entry as it holds: with thousands of descriptors open (as under thousands
/// of watches) readdir's buffer fills and its last entry is short, and copying whole `dirent`
/// structs read past it (a segfault of `/metrics`, seen under the slowloris test).
struct ProcessMetricsTests {
    @Test func countsOpenDescriptorsAtEveryCount() throws {
        var opened: [Int32] = []
        defer { for descriptor in opened { close(descriptor) } }
        // Every count up to a few thousand, so that entries end at every offset of readdir's
        // buffer. (Other tests open and close descriptors meanwhile, in this process: the
        // count can only be checked against the ones this test holds.)
        for _ in 1...3_000 {
            let descriptor = open("/dev/null", O_RDONLY)
            guard descriptor >= 0 else { break }  // the process's limit: enough has been shown
            opened.append(descriptor)
            let count = try #require(ProcessMetrics.openFileDescriptorCount())
            guard count >= opened.count + 3 else {
                Issue.record("\(count) descriptors counted with \(opened.count) held by this test, and stdio")
                return
            }
        }
        #expect(opened.count > 500, "enough descriptors were opened to fill readdir's buffer")
        // Closing them shows: the count follows (allowing for what other tests hold).
        let held = try #require(ProcessMetrics.openFileDescriptorCount())
        for descriptor in opened { close(descriptor) }
        let released = opened.count
        opened = []
        let after = try #require(ProcessMetrics.openFileDescriptorCount())
        #expect(after < held - released / 2, "\(held) → \(after) after closing \(released)")
    }
}
#endif
