import Logging
import Synchronization

/// Every log line a logger wrote, as text, for tests that check what kcache logs (and what it
/// must never log). Thread-safe.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at `level` writing into this capture (one line per record: level, label,
    /// message, every metadata value — the logger's own and the record's — and the error).
    func logger(label: String = "kcache.e2e", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}

/// A `LogHandler` that formats each record as one line into a `LogCapture`.
struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        capture.append("\(event.level) \(label) \(event.message) \(fields)\(error) [\(event.source) \(event.file):\(event.line)]")
    }
}
