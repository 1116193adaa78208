import ArgumentParser

/// `kcache-bench`: micro- and scenario benchmarks for kcache, run from a release build
/// (`swift build -c release --product kcache-bench`). Each scenario lives in its own file
/// and is listed in `Scenario`; `--scenario` picks one (default `json`).
struct KcacheBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kcache-bench",
        abstract: "Benchmarks for kcache's hot paths.")

    @Option(help: "Which benchmark to run: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: Scenario = .json

    @OptionGroup(title: "End-to-end scenarios")
    var options: ScenarioOptions

    @Option(help: "Measured rounds per case; cases are interleaved round by round and the median is reported.")
    var runs: Int = 7

    @Option(help: "Minimum time per case per round, in milliseconds.")
    var minTimeMs: Int = 150

    @Option(help: "Items in the LIST body of the json scenario.")
    var listItems: Int = 300

    @Option(help: "Write→read pairs per target in the read-after-write scenario.")
    var pairs: Int = 200

    mutating func validate() throws {
        guard runs >= 1, minTimeMs >= 1, listItems >= 1 else {
            throw ValidationError("--runs, --min-time-ms and --list-items must be positive")
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; numbers are meaningless. Use: swift build -c release --product kcache-bench")
        #endif
        let harness = BenchmarkHarness(runs: runs, minimumDuration: .milliseconds(minTimeMs))
        switch scenario {
        case .listNginx, .getWrk, .selectorScan, .memory, .fanout, .restore, .informers, .ci, .all:
            try ScenarioRunner(runs: runs, minimumDuration: .milliseconds(minTimeMs), options: options).run(scenario)
        case .json:
            try JSONScenario(listItems: listItems).run(with: harness)
        case .readAfterWrite:
            try ReadAfterWriteScenario(pairs: pairs, unwrittenReads: 25 * pairs).run()
        }
    }
}

/// The benchmark scenarios; add a case and a `<Name>Scenario.swift` file for a new one.
enum Scenario: String, CaseIterable, ExpressibleByArgument {
    /// LIST of 10,000 ~2 KB configmaps from the cache vs nginx serving the same bytes (+ KubeSim, kubectl proxy).
    case listNginx = "list-nginx"
    /// GET of one object under wrk, 64 keep-alive connections, vs nginx serving a file of the same size.
    case getWrk = "get-wrk"
    /// LIST of 300,000 objects with a label selector matching none vs the same LIST without one.
    case selectorScan = "selector-scan"
    /// RSS growth of a kcache process caching 100,000 ~2 KB objects (with history) vs their JSON bytes.
    case memory
    /// p99 delivery latency to 1,000 watchers at 100 upstream events/s vs a single watcher.
    case fanout
    /// Restore-to-serving from a snapshot of 100,000 objects vs a cold start with a full LIST.
    case restore
    /// Upstream requests of 50 identical informers through kcache vs directly.
    case informers
    /// Every end-to-end scenario at small sizes, in seconds; CI runs it without asserting times.
    case ci
    /// Every end-to-end scenario at full size.
    case all
    /// Byte-level JSON readers against Foundation's JSONSerialization.
    case json
    /// Read-your-writes: a read right after a write, and reads of unwritten resources.
    case readAfterWrite = "read-after-write"
}

KcacheBench.main()
