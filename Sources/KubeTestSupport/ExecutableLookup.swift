import Foundation

/// Finding the command-line tools end-to-end tests drive (kubectl, curl, python3), so a test
/// can skip with a printed reason when one is absent instead of failing.
public enum ExecutableLookup {
    /// The first executable file named `name` in `$PATH`, then in `extraDirectories`.
    public static func find(
        _ name: String, extraDirectories: [String] = ["/usr/local/bin", "/usr/bin", "/bin"],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in path + extraDirectories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
