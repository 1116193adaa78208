import KubeUpstream
import Synchronization
import Dispatch
import Foundation

/// A condition that did not become true before its deadline.
struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` until it holds, failing after `timeout`. Tests synchronise on observable
/// conditions this way, never on fixed sleeps.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(try await condition()) {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Runs a command to completion and returns its standard output; throws on a non-zero exit.
@discardableResult
func runCommand(_ arguments: [String], directory: String? = nil) throws -> String {
    let child = try Subprocess.spawn("/usr/bin/env", arguments, currentDirectory: directory)
    close(child.standardInput)
    let errorData = LockedBytes()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errorData.set(Subprocess.readToEnd(child.standardError)) }
    let data = Subprocess.readToEnd(child.standardOutput)
    group.wait()
    guard child.wait() == 0 else {
        throw CommandFailed(command: arguments.joined(separator: " "), output: String(decoding: errorData.get(), as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

/// Bytes handed from a reading thread.
private final class LockedBytes: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    func set(_ value: [UInt8]) { bytes.withLock { $0 = value } }
    func get() -> [UInt8] { bytes.withLock { $0 } }
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "\(command) failed: \(output)" }
}
