import KubeProxy

/// The table of settings: each key as spelt in the config file and (with `--`) on the command
/// line, and how its text value is applied.
extension ServeSettings {
    struct Key: Sendable {
        var name: String
        var help: String
        /// A boolean: `--name` alone means true, `--no-name` false.
        var isFlag = false
        /// The setting's current value, written as `apply` reads it (`--print-config`).
        var value: @Sendable (ServeSettings) -> Value
        var apply: @Sendable (inout ServeSettings, String) throws(ValueProblem) -> Void
    }

    /// A setting's value as text its key accepts back.
    enum Value: Equatable, Sendable {
        case text(String)
        case list([String])
        /// An optional setting that is not set.
        case unset
    }

    struct ValueProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static let keys: [Key] = [
        string("listen", "HOST:PORT to serve on", \.listen),
        optional("kubeconfig", "kubeconfig file of the upstream cluster", \.kubeconfig),
        optional("context", "kubeconfig context to use", \.context),
        optional("upstream", "URL of the upstream API server", \.upstream),
        optional("token-file", "file holding the bearer token for --upstream", \.tokenFile),
        optional("certificate-authority", "CA bundle for --upstream", \.certificateAuthority),
        optional("client-certificate", "client certificate for --upstream", \.clientCertificate),
        optional("client-key", "client key for --upstream", \.clientKey),
        bool("insecure-skip-tls-verify", "do not verify the upstream's certificate", \.insecureSkipTLSVerify),
        list("resources", "resources cached from the start (pods,configmaps,deployments.apps)", \.resources),
        bool("cache-on-demand", "cache other kinds on their first LIST or WATCH", \.cacheOnDemand),
        list("exclude", "resources never cached", \.exclude),
        size("max-cache-bytes", "bytes of objects beyond which no new kind is cached", \.maxCacheBytes),
        duration("history-window", "how long events are kept for watch resume", \.historyWindow),
        size("history-bytes", "most bytes of events kept per resource", \.historyBytes),
        duration("bookmark-interval", "how often watches get a bookmark", \.bookmarkInterval),
        choice("consistency", "eventual, read-your-writes or strict", \.consistency),
        duration("ryw-timeout", "how long a read waits for the cache to reflect a write", \.rywTimeout),
        optional("snapshot", "SQLite file to restore from and save to", \.snapshot),
        duration("snapshot-interval", "how often the snapshot is saved", \.snapshotInterval),
        bool("snapshot-secrets", "also save Secrets in the snapshot (when cached)", \.snapshotSecrets),
        duration("snapshot-max-age", "restored data older than this is not served before a resync", \.snapshotMaxAge),
        choice("auth", "none or passthrough", \.auth),
        bool("allow-unauthenticated-remote", "allow --auth none on a non-loopback address", \.allowUnauthenticatedRemote),
        optional("tls-cert-file", "certificate to serve TLS with", \.tlsCertFile),
        optional("tls-private-key-file", "private key to serve TLS with", \.tlsPrivateKeyFile),
        duration("authz-cache-ttl", "how long an authorization decision is reused", \.authzCacheTTL),
        size("max-request-body-bytes", "largest request body accepted", \.maxRequestBodyBytes),
        size("max-watcher-queue-bytes", "how far behind a watcher may fall before it is ended", \.maxWatcherQueueBytes),
        int("max-watchers", "most open watches served from the cache", \.maxWatchers),
        oneOf("log-level", "trace, debug, info, notice, warning, error or critical",
              ["trace", "debug", "info", "notice", "warning", "error", "critical"], \.logLevel),
        oneOf("log-format", "text or json", ["text", "json"], \.logFormat),
    ]

    static func key(named name: String) -> Key? { keys.first { $0.name == name } }

    /// "unknown key" (or flag), with the nearest key when one is within two edits of `name`
    /// (a typo, `_` for `-`, camelCase).
    static func unknownKeyProblem(_ name: String, flag: Bool = false) -> String {
        let spelled = String(name.map { $0 == "_" ? "-" : $0 }).lowercased()
        let nearest = keys.map { ($0.name, editDistance(spelled, $0.name)) }.min { $0.1 < $1.1 }
        let unknown = flag ? "unknown flag --\(name)" : "unknown key"
        guard let nearest, nearest.1 <= 2 else { return unknown }
        return "\(unknown) (did you mean \(flag ? "--" : "")\(nearest.0)?)"
    }

    /// Levenshtein distance, for suggestions.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// Applies `values` (key, text) from `source` ("flag", "file /path") in order.
    mutating func apply(_ values: [(String, String)], source: String) throws(SettingsError) {
        for (name, value) in values {
            guard let key = Self.key(named: name) else {
                throw SettingsError(key: name, source: source, problem: Self.unknownKeyProblem(name))
            }
            do {
                try key.apply(&self, value)
            } catch {
                throw SettingsError(key: name, source: source, problem: error.message)
            }
        }
    }

    // MARK: Parsers

    private static func string(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, String> & Sendable) -> Key {
        Key(name: name, help: help, value: { .text($0[keyPath: path]) }) { settings, value throws(ValueProblem) in
            guard !value.isEmpty else { throw ValueProblem("must not be empty") }
            settings[keyPath: path] = value
        }
    }

    private static func optional(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, String?> & Sendable) -> Key {
        Key(name: name, help: help, value: { $0[keyPath: path].map(Value.text) ?? .unset }) { settings, value in
            settings[keyPath: path] = value.isEmpty ? nil : value
        }
    }

    private static func bool(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, Bool> & Sendable) -> Key {
        Key(name: name, help: help, isFlag: true, value: { .text($0[keyPath: path] ? "true" : "false") }) { settings, value throws(ValueProblem) in
            switch value.lowercased() {
            case "true", "yes", "1": settings[keyPath: path] = true
            case "false", "no", "0": settings[keyPath: path] = false
            default: throw ValueProblem("\"\(value)\" is not a boolean (true or false)")
            }
        }
    }

    private static func int(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, Int> & Sendable) -> Key {
        Key(name: name, help: help, value: { .text(String($0[keyPath: path])) }) { settings, value throws(ValueProblem) in
            guard let number = Int(value), number > 0 else { throw ValueProblem("\"\(value)\" is not a positive integer") }
            settings[keyPath: path] = number
        }
    }

    private static func size(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, Int> & Sendable) -> Key {
        Key(name: name, help: help, value: { .text(Quantities.format(bytes: $0[keyPath: path])) }) { settings, value throws(ValueProblem) in
            guard let bytes = Quantities.size(value), bytes > 0 else {
                throw ValueProblem("\"\(value)\" is not a size (like 64KiB, 256MiB, 2GiB)")
            }
            settings[keyPath: path] = bytes
        }
    }

    private static func duration(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, Duration> & Sendable) -> Key {
        Key(name: name, help: help, value: { .text(Quantities.format($0[keyPath: path])) }) { settings, value throws(ValueProblem) in
            guard let duration = Quantities.duration(value), duration > .zero else {
                throw ValueProblem("\"\(value)\" is not a duration (like 500ms, 30s, 10m, 1h)")
            }
            settings[keyPath: path] = duration
        }
    }

    private static func list(_ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, [String]> & Sendable) -> Key {
        Key(name: name, help: help, value: { .list($0[keyPath: path]) }) { settings, value in
            settings[keyPath: path] = value.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
        }
    }

    private static func oneOf(_ name: String, _ help: String, _ allowed: [String], _ path: any WritableKeyPath<ServeSettings, String> & Sendable) -> Key {
        Key(name: name, help: help, value: { .text($0[keyPath: path]) }) { settings, value throws(ValueProblem) in
            guard allowed.contains(value) else {
                throw ValueProblem("\"\(value)\" is not one of \(allowed.joined(separator: ", "))")
            }
            settings[keyPath: path] = value
        }
    }

    private static func choice<Choice: RawRepresentable<String> & CaseIterable & Sendable>(
        _ name: String, _ help: String, _ path: any WritableKeyPath<ServeSettings, Choice> & Sendable
    ) -> Key {
        Key(name: name, help: help, value: { .text($0[keyPath: path].rawValue) }) { settings, value throws(ValueProblem) in
            guard let choice = Choice(rawValue: value) else {
                throw ValueProblem("\"\(value)\" is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings[keyPath: path] = choice
        }
    }
}
