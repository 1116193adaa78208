import Dispatch
import Foundation
import Synchronization

/// What every end-to-end scenario is given: how many interleaved rounds to run, the minimum
/// time per timed sample, the options, the kcache executable and a work directory.
struct BenchContext: Sendable {
    var runs: Int
    var minimumDuration: Duration
    var options: ScenarioOptions
    var kcache: String
    var work: WorkDirectory
    /// The short CI run: small sizes, no assertion on times.
    var isCI = false

    /// Progress for people watching; standard error, so `--json` output stays clean.
    func progress(_ text: String) {
        FileHandle.standardError.write(Data("  · \(text)\n".utf8))
    }

    /// The command line that reruns `scenario` with `arguments` (sizes that differ from the
    /// defaults) and this context's rounds.
    func command(_ scenario: Scenario, _ arguments: [String] = []) -> String {
        let binary = ".build-release/release/kcache-bench"
        let kcache = options.kcache.map { ["--kcache", $0] } ?? []
        return ([binary, "--scenario", scenario.rawValue, "--runs", String(runs)] + arguments + kcache).joined(separator: " ")
    }
}

/// Runs the end-to-end scenarios from `main`'s synchronous `run()`: the scenario's async work
/// runs on Swift's pool while the main thread waits; every child process is killed afterwards,
/// however the scenario ended.
struct ScenarioRunner {
    var runs: Int
    var minimumDuration: Duration
    var options: ScenarioOptions

    func run(_ scenario: Scenario) throws {
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        let work = try WorkDirectory()
        defer {
            ChildRegistry.killAll()
            if options.keepTemp {
                FileHandle.standardError.write(Data("work directory kept: \(work.path)\n".utf8))
            } else {
                work.remove()
            }
        }
        let context = BenchContext(
            runs: scenario == .ci ? min(runs, 2) : runs, minimumDuration: scenario == .ci ? .milliseconds(20) : minimumDuration,
            options: options, kcache: try KcacheProcess.executable(explicit: options.kcache), work: work,
            isCI: scenario == .ci)
        let json = options.json
        let print: @Sendable (String) -> Void = { text in
            // Unbuffered, so tables and progress (standard error) appear in order.
            (json ? FileHandle.standardError : FileHandle.standardOutput).write(Data((text + "\n").utf8))
        }
        print("kcache-bench \(scenario.rawValue): \(build) build, \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "load \(BenchReport.loadAverage().map { String($0) }.joined(separator: " ")), \(context.runs) interleaved rounds; "
            + "figures are medians, ratios against a reference measured in the same rounds"
            + (build == "debug" ? " — a debug build: times mean nothing" : ""))
        let steps = Self.steps(for: scenario)
        // One failing scenario of several is reported and the rest still run.
        let (reports, failures) = try Self.blocking { () -> ([ScenarioReport], [String]) in
            var reports: [ScenarioReport] = []
            var failures: [String] = []
            for step in steps {
                FileHandle.standardError.write(Data("\(step.rawValue):\n".utf8))
                do {
                    let report = try await Self.run(step, context: context)
                    print(report.render())
                    reports.append(report)
                } catch {
                    ChildRegistry.killAll()
                    guard steps.count > 1 else { throw error }
                    print("\n## \(step.rawValue)\n\nFAILED: \(error)\n")
                    failures.append(step.rawValue)
                }
            }
            return (reports, failures)
        }
        if reports.count > 1 {
            print(Self.summary(reports))
        }
        if json {
            let report = BenchReport(
                generatedAt: ISO8601DateFormatter().string(from: Date()), build: build,
                cores: ProcessInfo.processInfo.activeProcessorCount, loadAverage: BenchReport.loadAverage(),
                command: CommandLine.arguments.joined(separator: " "), scenarios: reports, failed: failures,
                notes: ["shared, noisy machine: ratios from interleaved rounds are what count; absolute figures vary run to run"])
            Swift.print(try report.json())
        }
        if !failures.isEmpty {
            throw ChildProcess.SpawnError(description: "scenarios failed: \(failures.joined(separator: ", "))")
        }
    }

    /// The scenarios a choice runs: itself, or every one for `all` and `ci`.
    static func steps(for scenario: Scenario) -> [Scenario] {
        let every: [Scenario] = [.listNginx, .getWrk, .selectorScan, .memory, .fanout, .restore, .informers]
        switch scenario {
        case .all, .ci: return every
        default: return [scenario]
        }
    }

    static func run(_ scenario: Scenario, context: BenchContext) async throws -> ScenarioReport {
        let options = context.options
        let ci = context.isCI
        func size(_ full: Int, _ small: Int) -> Int { options.objects ?? (ci ? small : full) }
        let bytes = options.objectBytes
        switch scenario {
        case .listNginx:
            return try await ListNginxScenario(objects: size(10_000, 500), objectBytes: bytes ?? 2048).run(context)
        case .getWrk:
            return try await GetWrkScenario(
                objects: size(100, 20), objectBytes: bytes ?? 2048,
                wrk: Wrk(threads: options.wrkThreads, connections: options.wrkConnections,
                         duration: .seconds(ci ? 1 : options.wrkSeconds))).run(context)
        case .selectorScan:
            return try await SelectorScanScenario(objects: size(300_000, 2_000), objectBytes: bytes ?? 1024).run(context)
        case .memory:
            let objects = size(100_000, 2_000)
            return try await MemoryScenario(
                objects: objects, objectBytes: bytes ?? 2048, churnEvents: options.churnEvents ?? objects / 100).run(context)
        case .fanout:
            return try await FanoutScenario(
                objects: size(100, 20), objectBytes: bytes ?? 1024, watchers: ci ? min(options.watchers, 20) : options.watchers,
                eventsPerSecond: options.eventsPerSecond, seconds: ci ? 1 : options.fanoutSeconds).run(context)
        case .restore:
            return try await RestoreScenario(objects: size(100_000, 2_000), objectBytes: bytes ?? 2048).run(context)
        case .informers:
            return try await InformersScenario(
                objects: size(400, 50), objectBytes: bytes ?? 1024, informers: ci ? min(options.informers, 5) : options.informers
            ).run(context)
        default:
            throw ChildProcess.SpawnError(description: "\(scenario.rawValue) is not an end-to-end scenario")
        }
    }

    /// Every row of every scenario in one table.
    static func summary(_ reports: [ScenarioReport]) -> String {
        let rows = reports.flatMap { report in
            report.rows.map { row in
                [report.scenario, row.figure, row.measuredText, row.referenceText, row.ratio.map(Format.ratio) ?? "", row.target,
                 row.verdict == .miss ? "**miss**" : row.verdict.rawValue]
            }
        }
        return "\n## summary\n\n" + Format.table(
            header: ["scenario", "figure", "measured", "reference", "ratio", "target", "result"], rows: rows,
            rightAligned: [2, 3, 4])
    }

    /// Runs `body` on Swift's pool and blocks this (main) thread until it finishes.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            do {
                let value = try await body()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            semaphore.signal()
        }
        semaphore.wait()
        return try outcome.withLock { $0! }.get()
    }
}
