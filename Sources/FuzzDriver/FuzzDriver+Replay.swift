import Foundation
import FuzzTargets

/// Replaying inputs and writing seeds: the normal build's work.
extension FuzzDriver {
    /// Runs every file named (directories: every regular file in them, sorted) through
    /// `target`; prints each broken invariant with its file. True when all passed.
    static func replay(_ target: FuzzTarget, _ paths: [String]) -> Bool {
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file: \(path)") }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().filter { !$0.hasPrefix(".") }.map { url.appendingPathComponent($0) }
            } else {
                files.append(url)
            }
        }
        var failures = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path) else { fail("cannot read \(file.path)") }
            do {
                try target.run(Array(data))
            } catch {
                failures += 1
                print("FAIL \(file.path): \(error)")
            }
        }
        print("\(target.rawValue): \(files.count) inputs, \(failures) failed")
        return failures == 0
    }

    /// Writes `<root>/<target>/seed-<name>` for every seed of every target.
    static func writeSeeds(into root: URL) {
        for target in FuzzTarget.allCases {
            let directory = root.appendingPathComponent(target.rawValue)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                for seed in target.seeds {
                    try Data(seed.bytes).write(to: directory.appendingPathComponent("seed-" + seed.name))
                }
            } catch {
                fail("cannot write seeds to \(directory.path): \(error)")
            }
            print("\(target.rawValue): \(target.seeds.count) seeds")
        }
    }
}
