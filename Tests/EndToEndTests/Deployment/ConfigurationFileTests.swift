import Foundation
import KubeTestSupport
import Testing

/// `kcache serve --config FILE`, run as a process: every key of the settings table is a flag
/// and a config key, values come back as given, flags override the file and the file the
/// defaults, and a bad key or value stops kcache with a message naming the key and its source.
///
/// The key list comes from the binary itself (`--print-config` prints every key of
/// `ServeSettings.keys`), so a key added to the table without a test value here fails
/// `everyKeyRoundTrips`.
@Suite struct ConfigurationFileTests {
    /// A value for every key that differs from its default, as written in the file or on the
    /// command line, and as `--print-config` prints it back. Mutually consistent, so that the
    /// checks across keys pass (non-loopback listen with passthrough and TLS).
    static let nonDefaultValues: [(key: String, written: String, printed: PrintedConfig.Value)] = [
        ("listen", "0.0.0.0:9443", .text("0.0.0.0:9443")),
        ("kubeconfig", "/etc/kcache/kubeconfig", .text("/etc/kcache/kubeconfig")),
        ("context", "staging", .text("staging")),
        ("upstream", "https://10.0.0.1:6443", .text("https://10.0.0.1:6443")),
        ("token-file", "/var/run/kcache/token", .text("/var/run/kcache/token")),
        ("certificate-authority", "/etc/kcache/ca.crt", .text("/etc/kcache/ca.crt")),
        ("client-certificate", "/etc/kcache/client.crt", .text("/etc/kcache/client.crt")),
        ("client-key", "/etc/kcache/client.key", .text("/etc/kcache/client.key")),
        ("insecure-skip-tls-verify", "true", .text("true")),
        ("resources", "pods,deployments.apps", .list(["pods", "deployments.apps"])),
        ("cache-on-demand", "false", .text("false")),
        ("exclude", "secrets", .list(["secrets"])),
        ("max-cache-bytes", "512MiB", .text("512MiB")),
        ("history-window", "5m", .text("5m")),
        ("history-bytes", "64MiB", .text("64MiB")),
        ("bookmark-interval", "30s", .text("30s")),
        ("consistency", "strict", .text("strict")),
        ("ryw-timeout", "1500ms", .text("1500ms")),
        ("snapshot", "/var/lib/kcache/snapshot.db", .text("/var/lib/kcache/snapshot.db")),
        ("snapshot-interval", "1m", .text("1m")),
        ("snapshot-secrets", "true", .text("true")),
        ("snapshot-max-age", "2h", .text("2h")),
        ("auth", "passthrough", .text("passthrough")),
        ("allow-unauthenticated-remote", "true", .text("true")),
        ("tls-cert-file", "/etc/kcache/tls/tls.crt", .text("/etc/kcache/tls/tls.crt")),
        ("tls-private-key-file", "/etc/kcache/tls/tls.key", .text("/etc/kcache/tls/tls.key")),
        ("authz-cache-ttl", "5s", .text("5s")),
        ("max-request-body-bytes", "1MiB", .text("1MiB")),
        ("max-watcher-queue-bytes", "8MiB", .text("8MiB")),
        ("max-watchers", "500", .text("500")),
        ("log-level", "debug", .text("debug")),
        ("log-format", "json", .text("json")),
    ]

    /// The defaults, as `--print-config` prints them with no file and no flags.
    static func defaults() async throws -> PrintedConfig {
        try await KcacheBinary.printConfig([])
    }

    /// A YAML file setting `values` (lists as YAML sequences, to exercise that form).
    static func file(_ values: [(key: String, written: String)]) -> String {
        values.map { key, written in
            written.contains(",") ? "\(key): [\(written)]" : "\(key): \"\(written)\""
        }.joined(separator: "\n") + "\n"
    }

    @Test func everyKeyHasATestValueAndAFlag() async throws {
        let defaults = try await Self.defaults()
        #expect(Set(defaults.keys) == Set(Self.nonDefaultValues.map(\.key)),
                "keys printed by --print-config vs keys with a test value here: add a value for each new key")
        #expect(defaults.keys.count == Set(defaults.keys).count, "a key printed twice: \(defaults.keys)")
        for (key, _, printed) in Self.nonDefaultValues {
            #expect(defaults[key] != printed, "the test value of \(key) is its default (\(printed)); pick another")
        }
        let help = try await KcacheBinary.run(["serve", "--help"])
        #expect(help.status == 0, "\(help.standardError)")
        for key in defaults.keys {
            #expect(help.standardOutput.contains("--\(key) ") || help.standardOutput.contains("--[no-]\(key) "),
                    "kcache serve --help lists no flag for \(key)")
        }
    }

    @Test func everyKeyRoundTripsThroughTheFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("all.yaml", Self.file(Self.nonDefaultValues.map { ($0.key, $0.written) }))
        let printed = try await KcacheBinary.printConfig(["--config", path])
        for (key, _, expected) in Self.nonDefaultValues {
            #expect(printed[key] == expected, "\(key) from the file")
        }
        // What --print-config prints is itself a config file that yields the same settings.
        let again = try directory.write("printed.yaml", try await KcacheBinary.run(["serve", "--config", path, "--print-config"]).standardOutput)
        let reprinted = try await KcacheBinary.printConfig(["--config", again])
        #expect(reprinted.entries.map(\.value) == printed.entries.map(\.value))
    }

    @Test func everyKeyRoundTripsAsAFlag() async throws {
        // `--key=value` for every key: booleans take their value only in that form.
        let arguments = Self.nonDefaultValues.map { "--\($0.key)=\($0.written)" }
        let printed = try await KcacheBinary.printConfig(arguments)
        for (key, _, expected) in Self.nonDefaultValues {
            #expect(printed[key] == expected, "--\(key)")
        }
    }

    @Test func flagsOverrideTheFileWhichOverridesTheDefaults() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("some.yaml", """
            consistency: eventual
            history-window: 5m
            cache-on-demand: false
            resources:
              - pods
              - configmaps
            snapshot: /var/lib/kcache/a.db

            """)
        let defaults = try await Self.defaults()
        let printed = try await KcacheBinary.printConfig([
            "--config", path, "--consistency", "strict", "--cache-on-demand", "--snapshot=/tmp/b.db",
        ])
        #expect(printed["consistency"] == .text("strict"), "flag over file")
        #expect(printed["cache-on-demand"] == .text("true"), "a bare boolean flag over the file's false")
        #expect(printed["snapshot"] == .text("/tmp/b.db"), "--key=value over file")
        #expect(printed["history-window"] == .text("5m"), "file over default")
        #expect(printed["resources"] == .list(["pods", "configmaps"]), "a YAML list")
        for entry in defaults.entries where !["consistency", "cache-on-demand", "snapshot", "history-window", "resources"].contains(entry.key) {
            #expect(printed[entry.key] == entry.value, "\(entry.key) keeps its default")
        }
        // Flags are taken whatever their position relative to --config, and --no-key clears.
        let reordered = try await KcacheBinary.printConfig(["--no-cache-on-demand", "--config", path, "--consistency", "read-your-writes"])
        #expect(reordered["cache-on-demand"] == .text("false"))
        #expect(reordered["consistency"] == .text("read-your-writes"))
    }

    /// Values are read in every documented spelling and printed in one canonical form.
    @Test(arguments: [
        ("history-window", "1m30s", PrintedConfig.Value.text("90s")),
        ("ryw-timeout", "0.5s", .text("500ms")),
        ("snapshot-max-age", "90m", .text("90m")),
        ("max-cache-bytes", "1.5GiB", .text("1536MiB")),
        ("max-cache-bytes", "1G", .text("1000000000")),
        ("history-bytes", "65536", .text("64KiB")),
        ("insecure-skip-tls-verify", "yes", .text("true")),
        ("resources", "pods, configmaps ,", .list(["pods", "configmaps"])),
        ("exclude", "", .list([])),
        ("kubeconfig", "", .null),
    ])
    func spellings(key: String, written: String, printed expected: PrintedConfig.Value) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("one.yaml", "\(key): \"\(written)\"\n")
        #expect(try await KcacheBinary.printConfig(["--config", path])[key] == expected, "\(key): \(written) in the file")
        #expect(try await KcacheBinary.printConfig(["--\(key)=\(written)"])[key] == expected, "--\(key)=\(written)")
    }

    @Test func nullUnsetsAnOptionalKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("null.yaml", "snapshot: null\ncontext: ~\nexclude: []\n")
        let printed = try await KcacheBinary.printConfig(["--config", path, "--kubeconfig", "/k"])
        #expect(printed["snapshot"] == .null)
        #expect(printed["context"] == .null)
        #expect(printed["exclude"] == .list([]))
        #expect(printed["kubeconfig"] == .text("/k"))
    }

    /// The example in config/ loads, documents every key, and states the real defaults.
    @Test func exampleFileDocumentsEveryKeyWithItsDefault() async throws {
        let example = try Repository.text("config/kcache.yaml")
        let defaults = try await Self.defaults()
        let printed = try await KcacheBinary.printConfig(["--config", Repository.path("config/kcache.yaml")])
        #expect(printed.entries.map(\.value) == defaults.entries.map(\.value),
                "config/kcache.yaml sets a value other than the default: \(zip(printed.entries, defaults.entries).filter { $0.0.value != $0.1.value }.map(\.0.key))")
        let lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for key in defaults.keys {
            let index = try #require(lines.firstIndex { $0.hasPrefix("\(key):") }, "config/kcache.yaml does not set \(key)")
            #expect(index > 0 && lines[index - 1].hasPrefix("#"), "config/kcache.yaml: no comment above \(key)")
        }
    }

    /// A bad key or value: kcache exits non-zero before printing anything, with one message
    /// that names the key, where it came from and what is wrong.
    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        /// The config file's text, if any (written to a temporary file).
        var file: String?
        var flags: [String] = []
        var key: String
        /// "file", "flag" or "settings" (checks across keys).
        var source: String
        var problem: String

        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "unknown key", file: "max-cache-byte: 1GiB\n", key: "max-cache-byte", source: "file",
                problem: "unknown key (did you mean max-cache-bytes?)"),
        BadCase(name: "snake_case key", file: "history_window: 5m\n", key: "history_window", source: "file",
                problem: "unknown key (did you mean history-window?)"),
        BadCase(name: "unrelated key", file: "colour: blue\n", key: "colour", source: "file", problem: "unknown key"),
        BadCase(name: "bad duration", file: "history-window: 10 minutes\n", key: "history-window", source: "file",
                problem: "\"10 minutes\" is not a duration"),
        BadCase(name: "zero duration", file: "ryw-timeout: 0s\n", key: "ryw-timeout", source: "file", problem: "\"0s\" is not a duration"),
        BadCase(name: "bad size", file: "max-cache-bytes: lots\n", key: "max-cache-bytes", source: "file", problem: "\"lots\" is not a size"),
        BadCase(name: "bad boolean", file: "snapshot-secrets: maybe\n", key: "snapshot-secrets", source: "file",
                problem: "\"maybe\" is not a boolean"),
        BadCase(name: "bad choice", file: "consistency: sometimes\n", key: "consistency", source: "file",
                problem: "\"sometimes\" is not one of eventual, read-your-writes, strict"),
        BadCase(name: "negative integer", file: "max-watchers: -3\n", key: "max-watchers", source: "file",
                problem: "\"-3\" is not a positive integer"),
        BadCase(name: "bad log format", file: "log-format: xml\n", key: "log-format", source: "file", problem: "\"xml\" is not one of text, json"),
        BadCase(name: "empty listen", file: "listen: \"\"\n", key: "listen", source: "file", problem: "must not be empty"),
        BadCase(name: "a mapping as value", file: "resources:\n  pods: true\n", key: "resources", source: "file",
                problem: "must be a value or a list"),
        BadCase(name: "nested list", file: "exclude: [[secrets]]\n", key: "exclude", source: "file", problem: "list items must be plain values"),
        BadCase(name: "key given twice", file: "auth: none\nauth: passthrough\n", key: "config", source: "file",
                problem: "duplicated key(s): 'auth'"),
        BadCase(name: "not a mapping", file: "- listen\n- auth\n", key: "config", source: "file", problem: "must be a mapping of keys to values"),
        BadCase(name: "not YAML", file: "listen: [127.0.0.1\n", key: "config", source: "file", problem: "not valid YAML"),
        BadCase(name: "missing file", flags: ["--config", "/nonexistent/kcache.yaml"], key: "config", source: "flag",
                problem: "cannot read /nonexistent/kcache.yaml"),
        BadCase(name: "unknown flag", flags: ["--max-cache-byte", "1GiB"], key: "max-cache-byte", source: "flag",
                problem: "unknown flag --max-cache-byte (did you mean --max-cache-bytes?)"),
        BadCase(name: "bad flag value", flags: ["--ryw-timeout", "soon"], key: "ryw-timeout", source: "flag",
                problem: "\"soon\" is not a duration"),
        BadCase(name: "flag without value", flags: ["--listen"], key: "listen", source: "flag", problem: "needs a value"),
        BadCase(name: "flag over a good file, bad", file: "auth: none\n", flags: ["--auth", "oidc"], key: "auth", source: "flag",
                problem: "\"oidc\" is not one of none, passthrough"),
        BadCase(name: "remote without auth", file: "listen: 0.0.0.0:8001\n", key: "listen", source: "settings",
                problem: "refusing to listen on 0.0.0.0"),
        BadCase(name: "passthrough without TLS", file: "listen: 0.0.0.0:8443\nauth: passthrough\n", key: "tls-cert-file", source: "settings",
                problem: "needs TLS"),
        BadCase(name: "certificate without key", file: "tls-cert-file: /tls/tls.crt\n", key: "tls-cert-file", source: "settings",
                problem: "go together"),
        BadCase(name: "listen without port", file: "listen: localhost\n", key: "listen", source: "settings", problem: "is not HOST:PORT"),
    ]

    @Test(arguments: badCases)
    func badConfigurationIsRefused(_ bad: BadCase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // --print-config first, so that a flag left without a value is the last argument.
        var arguments = ["serve", "--print-config"]
        var source = bad.source
        if let file = bad.file {
            let path = try directory.write("bad.yaml", file)
            arguments += ["--config", path]
            if source == "file" { source = "config file \(path)" }
        }
        arguments += bad.flags
        let run = try await KcacheBinary.run(arguments)
        #expect(run.status != 0, "\(bad.name): exit status")
        #expect(run.standardOutput.isEmpty, "\(bad.name): printed settings anyway: \(run.standardOutput)")
        let expected = "invalid configuration: \(source) key \"\(bad.key)\": "
        #expect(run.standardError.contains(expected), "\(bad.name): stderr lacks \(expected): \(run.standardError)")
        #expect(run.standardError.contains(bad.problem), "\(bad.name): stderr lacks \(bad.problem): \(run.standardError)")
    }

    /// `serve` itself (not only `--print-config`) refuses bad settings at start, before it
    /// resolves the upstream or binds a port.
    @Test(arguments: [
        BadCase(name: "bad value", file: "history-window: soon\n", key: "history-window", source: "file", problem: "is not a duration"),
        BadCase(name: "remote without auth", file: "listen: 0.0.0.0:0\nupstream: http://127.0.0.1:9\n", key: "listen",
                source: "settings", problem: "refusing to listen"),
    ])
    func serveRefusesBadConfigurationAtStart(_ bad: BadCase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.yaml", bad.file ?? "")
        let run = try await KcacheBinary.run(["serve", "--config", path], timeout: .seconds(20))
        #expect(run.status != 0)
        let source = bad.source == "file" ? "config file \(path)" : bad.source
        #expect(run.standardError.contains("invalid configuration: \(source) key \"\(bad.key)\": "), "\(run.standardError)")
        #expect(run.standardError.contains(bad.problem), "\(run.standardError)")
    }
}

/// docs/configuration.md has a row for every key with the default the binary prints.
@Suite struct ConfigurationReferenceTests {
    @Test func everyKeyIsDocumentedWithItsDefault() async throws {
        let reference = try Repository.text("docs/configuration.md")
        let rows = reference.split(separator: "\n").filter { $0.hasPrefix("| `--") }
        let defaults = try await ConfigurationFileTests.defaults()
        for (key, value) in defaults.entries {
            let row = try #require(rows.first { $0.hasPrefix("| `--\(key)` |") }, "docs/configuration.md has no row for --\(key)")
            let documented = row.split(separator: "|").dropFirst().first?.trimmingCharacters(in: .whitespaces)
            let expected = value == .null ? "unset" : "`\(value)`"
            #expect(documented == expected, "--\(key): documented default \(documented ?? "?"), kcache's \(expected)")
        }
        #expect(rows.count == defaults.entries.count, "rows for keys kcache does not have")
    }
}
