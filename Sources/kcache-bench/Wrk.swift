import Foundation

/// wrk (the Debian package) as a child process: keep-alive GETs of one URL from `threads`
/// threads over `connections` connections for `duration`, and what it printed.
struct Wrk {
    var threads = 2
    var connections = 64
    var duration: Duration = .seconds(5)

    struct Result: Sendable {
        var requestsPerSecond: Double
        var requests: Int
        /// Responses that were not 2xx/3xx, and connect/read/write/timeout errors.
        var failures: Int
        var p99Latency: Double?
    }

    func run(_ url: String, work: WorkDirectory, label: String) async throws -> Result {
        let executable = try Tools.require("wrk", package: "wrk")
        let seconds = max(1, Int(Stats.seconds(duration).rounded()))
        let process = try ChildProcess.spawn(
            name: "wrk", executable: executable,
            arguments: ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", url],
            logPath: work.file("wrk-\(label).log"))
        let status = await process.waitForExit(timeout: duration + .seconds(30))
        let output = process.log
        guard status == 0, let result = Wrk.parse(output) else {
            throw ChildProcess.SpawnError(description: "wrk \(url) failed (status \(status)):\n\(output)")
        }
        return result
    }

    /// Reads `Requests/sec:`, the request count, error lines and the 99% latency.
    static func parse(_ output: String) -> Result? {
        var rate: Double?
        var requests = 0
        var failures = 0
        var p99: Double?
        for line in output.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            if line.hasPrefix("Requests/sec:"), let value = words.last.flatMap(Double.init) {
                rate = value
            } else if line.contains("requests in"), let count = words.first.flatMap(Int.init) {
                requests = count
            } else if line.contains("Non-2xx or 3xx responses:"), let count = words.last.flatMap(Int.init) {
                failures += count
            } else if line.hasPrefix("  Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                failures += words.compactMap(Int.init).reduce(0, +)
            } else if words.first == "99%", words.count >= 2 {
                p99 = latencySeconds(words[1])
            }
        }
        guard let rate else { return nil }
        return Result(requestsPerSecond: rate, requests: requests, failures: failures, p99Latency: p99)
    }

    /// wrk's `1.23ms`, `456.00us`, `1.20s`.
    static func latencySeconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
