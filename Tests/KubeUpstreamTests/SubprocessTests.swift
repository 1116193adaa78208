import Foundation
import KubeUpstream
import Testing

/// `Subprocess`: a child gets its three standard streams and nothing else kcache holds.
@Suite("Subprocess")
struct SubprocessTests {
    /// A descriptor kcache holds without close-on-exec (as NIO holds its sockets) is not open
    /// in the child, while the child's standard streams are; the child's output and exit
    /// status come back.
    @Test func childInheritsOnlyItsStandardStreams() throws {
        let held = open("/dev/null", O_RDONLY)  // no O_CLOEXEC
        try #require(held > 2)
        defer { close(held) }
        #expect(fcntl(held, F_GETFD) & FD_CLOEXEC == 0, "the test's descriptor must be inheritable")
        let script = "for fd in 0 1 2 \(held); do if [ -e /proc/$$/fd/$fd ]; then echo \"$fd open\"; else echo \"$fd closed\"; fi; done; exit 7"
        let child = try Subprocess.spawn("/bin/sh", ["-c", script])
        close(child.standardInput)
        let output = String(decoding: Subprocess.readToEnd(child.standardOutput), as: UTF8.self)
        _ = Subprocess.readToEnd(child.standardError)
        #expect(child.wait() == 7)
        #expect(output.split(separator: "\n") == ["0 open", "1 open", "2 open", "\(held) closed"], "\(output)")
    }
}
