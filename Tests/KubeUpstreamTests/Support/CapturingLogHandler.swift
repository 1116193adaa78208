import Logging
import Synchronization

/// Everything logged through loggers made by `makeLogger()`, as rendered text lines.
final class LogCapture: Sendable {
    /// Rendered lines (level, message, metadata); guarded by the mutex.
    private let lines = Mutex<[String]>([])

    func makeLogger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "kcache.upstream.test") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = level
        return logger
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}

/// A `LogHandler` that renders each record into a `LogCapture`.
struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered)")
    }
}
