import Foundation
import FuzzTargets
import Testing

/// Replays every committed corpus file and every crash regression input through the fuzz
/// targets, as ordinary tests: what `make fuzz` found stays fixed, with no sanitizer build.
///
/// Layout (`Fuzz/README.md`): `Fuzz/corpora/<target>/` holds the seeds
/// (`seed-*`, written by `kcache-fuzz seed`) and the inputs libFuzzer merged in;
/// `Fuzz/corpora/regressions/<target>/` holds inputs that once crashed or broke an invariant.
@Suite struct FuzzCorpusTests {
    static let corpora = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpora")

    /// The regular files of a directory, sorted; none when it does not exist.
    static func files(in directory: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0) }
    }

    static func corpus(_ target: FuzzTarget) throws -> [URL] {
        try files(in: corpora.appendingPathComponent(target.rawValue))
            + files(in: corpora.appendingPathComponent("regressions").appendingPathComponent(target.rawValue))
    }

    @Test(arguments: FuzzTarget.allCases)
    func replaysTheCommittedCorpus(_ target: FuzzTarget) throws {
        let files = try FuzzCorpusTests.corpus(target)
        #expect(files.count >= target.seeds.count, "the seeds of \(target.rawValue) are committed")
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            do {
                try target.run(bytes)
            } catch {
                Issue.record("\(file.path): \(error)")
            }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func committedSeedsMatchTheGenerator(_ target: FuzzTarget) throws {
        let directory = FuzzCorpusTests.corpora.appendingPathComponent(target.rawValue)
        for seed in target.seeds {
            let file = directory.appendingPathComponent("seed-" + seed.name)
            let committed = try? [UInt8](Data(contentsOf: file))
            #expect(committed == seed.bytes, "\(file.path) differs from the generator: run kcache-fuzz seed Fuzz/corpora")
        }
    }

    /// A corpus that only reaches the error paths (or only the happy one) tests little: each
    /// target's main parser must both accept and reject some of its committed inputs.
    @Test(arguments: FuzzTarget.allCases)
    func corpusReachesBothOutcomes(_ target: FuzzTarget) throws {
        let outcomes = try FuzzCorpusTests.corpus(target).map { file in
            CorpusOutcome.accepts(target, try [UInt8](Data(contentsOf: file)))
        }
        #expect(outcomes.contains(true), "no input of \(target.rawValue) is accepted")
        #expect(outcomes.contains(false), "no input of \(target.rawValue) is rejected")
    }
}
