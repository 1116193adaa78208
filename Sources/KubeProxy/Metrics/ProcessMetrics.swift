#if canImport(Glibc)
import Glibc
#endif
import Metrics

/// The process's resident and virtual memory and its open file descriptors, read from `/proc`
/// at scrape time under the names every Prometheus client uses (`process_resident_memory_bytes`,
/// `process_virtual_memory_bytes`, `process_open_fds`). swift-prometheus 2 has no process
/// collector. Where `/proc` is missing (macOS) the gauges are not exported.
struct ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let openFileDescriptors: Gauge

    init(factory: any MetricsFactory) {
        residentMemory = Gauge(label: MetricNames.processResidentMemory, factory: factory)
        virtualMemory = Gauge(label: MetricNames.processVirtualMemory, factory: factory)
        openFileDescriptors = Gauge(label: MetricNames.processOpenFileDescriptors, factory: factory)
    }

    func collect() {
        #if canImport(Glibc)
        if let (virtual, resident) = Self.memoryPages() {
            let pageSize = sysconf(Int32(_SC_PAGESIZE))
            virtualMemory.record(virtual * pageSize)
            residentMemory.record(resident * pageSize)
        }
        if let count = Self.openFileDescriptorCount() {
            openFileDescriptors.record(count)
        }
        #endif
    }

    #if canImport(Glibc)
    /// The first two fields of `/proc/self/statm`: total program size and resident set, in pages.
    static func memoryPages() -> (virtual: Int, resident: Int)? {
        guard let file = fopen("/proc/self/statm", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = line.split(separator: " ").prefix(2).compactMap { Int($0) }
        return fields.count == 2 ? (fields[0], fields[1]) : nil
    }

    /// Entries of `/proc/self/fd`, less the one used to read it.
    static func openFileDescriptorCount() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            // Only the name's first byte is read: a `dirent` is as long as its `d_reclen`, not
            // `MemoryLayout<dirent>.size`, so copying the whole struct (`entry.pointee`) reads
            // past the last entry of readdir's buffer — a segfault when that ends a mapping.
            let first = UnsafeRawPointer(entry).load(fromByteOffset: Self.nameOffset, as: UInt8.self)
            if first != UInt8(ascii: ".") { count += 1 }
        }
        return count - 1
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    #endif
}
