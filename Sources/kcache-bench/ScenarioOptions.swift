import ArgumentParser

/// The command-line options of the end-to-end scenarios (`list-nginx` … `informers`, `ci`,
/// `all`). Sizes left unset take each scenario's default, the sizes issue 8 names.
struct ScenarioOptions: ParsableArguments, Sendable {
    @Option(help: "Objects to seed (default per scenario: list-nginx 10000, selector-scan 300000, memory 100000, restore 100000, informers 400, get-wrk 100, fanout 100).")
    var objects: Int?

    @Option(help: "Approximate JSON size of each seeded configmap (default 2048; selector-scan 1024, fanout 1024).")
    var objectBytes: Int?

    @Option(help: "Watchers in the fan-out scenario.")
    var watchers: Int = 1000

    @Option(help: "Upstream writes per second in the fan-out scenario.")
    var eventsPerSecond: Int = 100

    @Option(help: "Seconds of writes measured per fan-out run.")
    var fanoutSeconds: Int = 3

    @Option(help: "Identical informers in the informers scenario.")
    var informers: Int = 50

    @Option(help: "Configmap updates made while the memory scenario caches (so the history holds events); default objects/100.")
    var churnEvents: Int?

    @Option(help: "Seconds per wrk run in get-wrk.")
    var wrkSeconds: Int = 5

    @Option(help: "wrk connections in get-wrk.")
    var wrkConnections: Int = 64

    @Option(help: "wrk threads in get-wrk.")
    var wrkThreads: Int = 2

    @Option(help: "The kcache executable (default: the one beside kcache-bench).")
    var kcache: String?

    @Flag(help: "Print the results as JSON on standard output (tables and progress go to standard error).")
    var json = false

    @Flag(help: "Keep the work directory (logs of kcache, nginx, wrk; generated files).")
    var keepTemp = false

    func validate() throws {
        let positive = [objects ?? 1, objectBytes ?? 1, watchers, eventsPerSecond, fanoutSeconds, informers, wrkSeconds,
                        wrkConnections, wrkThreads]
        guard positive.allSatisfy({ $0 >= 1 }), (churnEvents ?? 0) >= 0 else {
            throw ValidationError("sizes, counts and durations must be positive")
        }
    }
}
