import Foundation

/// `kcache serve` as a child process in front of the benchmark's KubeSim: a process of its own,
/// as in production, so its memory and CPU are its own and measured like nginx's.
///
/// It listens on 127.0.0.1 port 0; the bound port is read from its JSON log line `listening`.
/// Logs (JSON, level info) go to `kcache-<label>.log` in the work directory. Thread-safe.
final class KcacheProcess: Sendable {
    let process: ChildProcess
    let port: Int

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var pid: Int32 { process.pid }

    /// The kcache executable: `--kcache`, else the one built beside this benchmark.
    static func executable(explicit: String?) throws -> String {
        if let explicit { return explicit }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = (own as NSString).deletingLastPathComponent + "/kcache"
        guard FileManager.default.isExecutableFile(atPath: sibling) else {
            throw ChildProcess.SpawnError(description: """
                no kcache executable beside \(own); build it in the same configuration: \
                swift build -c release --product kcache --scratch-path .build-release (or pass --kcache PATH)
                """)
        }
        return sibling
    }

    /// Starts `kcache serve --upstream <upstream> <arguments>` and waits until it listens.
    /// The caller's clock for "process start" is `process.startedAt`.
    static func start(executable: String, upstream: String, arguments: [String], work: WorkDirectory,
                      label: String) async throws -> KcacheProcess {
        let process = try ChildProcess.spawn(
            name: "kcache (\(label))", executable: executable,
            arguments: ["serve", "--listen", "127.0.0.1:0", "--upstream", upstream, "--log-format", "json",
                        "--log-level", "info"] + arguments,
            logPath: work.file("kcache-\(String(label.map { $0.isLetter || $0.isNumber ? $0 : "-" })).log"))
        do {
            let port = try await process.waitForLog("its listening address", timeout: .seconds(60), pollInterval: .milliseconds(1)) {
                listeningPort(in: $0)
            }
            return KcacheProcess(process: process, port: port)
        } catch {
            await process.stop(signal: SIGKILL)
            throw error
        }
    }

    /// Starts kcache in front of `sim` for a scenario (stopped by `teardown`); with
    /// `--resources configmaps` (the default arguments) waits until configmaps are cached.
    static func start(in front: SimCluster, context: BenchContext, label: String, teardown: Teardown,
                      arguments: [String] = ["--resources", "configmaps"]) async throws -> KcacheProcess {
        let kcache = try await start(
            executable: context.kcache, upstream: front.baseURL, arguments: arguments, work: context.work, label: label)
        teardown.add { await kcache.kill() }
        if arguments.contains("--resources") {
            let start = ContinuousClock.now
            try await kcache.waitReady()
            try await kcache.waitCached("/api/v1/configmaps")
            context.progress("kcache (\(label)) cached \(front.objects) configmaps in \(Format.duration(Stats.seconds(ContinuousClock.now - start)))")
        }
        return kcache
    }

    /// The port of the `listening` log line: `"address":"[IPv4]127.0.0.1/127.0.0.1:PORT"`.
    static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains(#""message":"listening""#) {
            guard let range = line.range(of: #""address":""#) else { continue }
            let rest = line[range.upperBound...]
            guard let quote = rest.firstIndex(of: "\"") else { continue }  // the whole value only
            let address = rest[..<quote]
            if let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) { return port }
        }
        return nil
    }

    /// Waits until `/readyz` answers 200 (every `--resources` kind has synced).
    func waitReady(timeout: Duration = .seconds(600)) async throws {
        let deadline = ContinuousClock.now + timeout
        try await BenchConnection.with(port: port) { connection in
            while true {
                let response = try await connection.get("/readyz")
                if response.status == 200 { return }
                if !process.isRunning || ContinuousClock.now >= deadline {
                    throw ChildProcess.SpawnError(description: "kcache not ready (/readyz \(response.status)); log:\n\(process.logTail())")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Waits until a LIST of `path` (with `limit=1`) is answered from the cache.
    func waitCached(_ path: String, timeout: Duration = .seconds(600)) async throws {
        let deadline = ContinuousClock.now + timeout
        try await BenchConnection.with(port: port) { connection in
            while true {
                let response = try await connection.get(path + "?limit=1")
                if response.status == 200, response.source == "cache" { return }
                if !process.isRunning || ContinuousClock.now >= deadline {
                    throw ChildProcess.SpawnError(description: """
                        \(path) not served from kcache's cache (status \(response.status), source \(response.source ?? "-")); \
                        log:\n\(process.logTail())
                        """)
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// `/metrics` as `series → value` (`name{labels}` as exported).
    func metrics() async throws -> [String: Double] {
        let response = try await BenchConnection.with(port: port) { try await $0.get("/metrics", keepBody: true) }
        var values: [String: Double] = [:]
        for line in String(decoding: response.body ?? [], as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// The sum of every series of `name` whose labels contain all of `labels` (`resource="configmaps"`).
    static func sum(_ metrics: [String: Double], _ name: String, labels: [String] = []) -> Double {
        metrics.filter { series, _ in
            (series == name || series.hasPrefix(name + "{")) && labels.allSatisfy { series.contains($0) }
        }.values.reduce(0, +)
    }

    /// Resident memory now, from `/proc/<pid>/status` (`VmRSS`), in bytes.
    func residentBytes() throws -> Int {
        try Self.residentBytes(of: process.pid)
    }

    static func residentBytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            if let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) { return kilobytes * 1024 }
        }
        throw ChildProcess.SpawnError(description: "no VmRSS in /proc/\(pid)/status")
    }

    /// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat`, in seconds;
    /// `pid` 0 means this process.
    static func cpuSeconds(of pid: Int32) -> Double {
        let path = pid == 0 ? "/proc/self/stat" : "/proc/\(pid)/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM (graceful: saves the snapshot when one is configured), then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(30)) async {
        await process.stop(signal: SIGTERM, grace: grace)
    }

    func kill() async {
        await process.stop(signal: SIGKILL)
    }
}
