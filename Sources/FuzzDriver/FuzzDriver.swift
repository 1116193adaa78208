#if FUZZING
import CLibFuzzer
#endif
import Foundation
import FuzzTargets

/// `kcache-fuzz`: kcache's parser fuzz targets as one binary.
///
/// Built by `make fuzz` with `-DFUZZING -sanitize=fuzzer,address`, it is a libFuzzer binary:
/// `KCACHE_FUZZ_TARGET=<target>` picks the target and the command line is libFuzzer's
/// (`kcache-fuzz CORPUS_DIR...`, with the target's `-max_len` unless given). In a normal build
/// it replays inputs through the same targets, so a crash or corpus file can be re-run under a
/// debugger without sanitizers:
///
/// ```
/// kcache-fuzz list                          the targets, with their -max_len
/// kcache-fuzz seed Fuzz/corpora             (re)write every target's seed files
/// kcache-fuzz <target> FILE|DIR...          replay; exit status 1 on a broken invariant
/// KCACHE_FUZZ_TARGET=<target> kcache-fuzz FILE|DIR...
/// ```
@main
enum FuzzDriver {
    static func main() {
        #if FUZZING
        guard let target = selectedTarget else { fail("set KCACHE_FUZZ_TARGET to one of: \(targetNames)") }
        // The target's -max_len unless the command line sets one; the strings live until exit.
        var arguments = CommandLine.arguments
        if !arguments.contains(where: { $0.hasPrefix("-max_len=") }) {
            arguments.insert("-max_len=\(target.maxLength)", at: 1)
        }
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var argc = CInt(arguments.count)
        cArguments.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress
            exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTestOneInput))
        }
        #else
        var arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "list":
            for target in FuzzTarget.allCases { print("\(target.rawValue) -max_len=\(target.maxLength)") }
        case "seed":
            guard arguments.count == 2 else { fail("usage: kcache-fuzz seed CORPORA_DIR") }
            writeSeeds(into: URL(fileURLWithPath: arguments[1]))
        default:
            var target = selectedTarget
            if target == nil, let name = arguments.first {
                target = FuzzTarget(rawValue: name)
                arguments.removeFirst()
            }
            guard let target, !arguments.isEmpty else {
                fail("usage: kcache-fuzz list | seed DIR | TARGET FILE|DIR...  (targets: \(targetNames))")
            }
            exit(replay(target, arguments) ? 0 : 1)
        }
        #endif
    }

    static var targetNames: String { FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ") }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("kcache-fuzz: \(message)\n".utf8))
        exit(2)
    }
}

/// The target `KCACHE_FUZZ_TARGET` names, read once.
let selectedTarget: FuzzTarget? = {
    guard let name = ProcessInfo.processInfo.environment["KCACHE_FUZZ_TARGET"] else { return nil }
    guard let target = FuzzTarget(rawValue: name) else {
        FuzzDriver.fail("unknown target \(name); targets: \(FuzzDriver.targetNames)")
    }
    return target
}()

#if FUZZING
/// libFuzzer's entry point: one input through the selected target; a broken invariant ends
/// the process the way a trap does, so libFuzzer saves the input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return -1 }
    do {
        try target.run(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        fatalError("\(target.rawValue): \(error)")
    }
    return 0
}
#endif
