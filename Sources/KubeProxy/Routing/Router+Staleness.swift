import Foundation
import KubeAPI
import KubeCache

/// How stale a cache may be and still answer, and what it tells the client when it does.
extension Router {
    /// A cache's standing for reads right now.
    enum Staleness {
        case fresh
        /// Serve, with this `Warning` header value.
        case warn(String)
        /// Do not serve reads without an RV (restored data older than `--snapshot-max-age`);
        /// reads naming one are served with this `Warning`.
        case tooOld(String)
    }

    func staleness(of cache: ResourceCache, now: Date = Date()) -> Staleness {
        if cache.readiness == .restored, let savedAt = cache.restoredSavedAt {
            let age = now.timeIntervalSince(savedAt)
            let warning = Self.warning(
                "kcache: restored from a snapshot saved \(Self.describe(seconds: age)) ago; not yet resynced with the API server")
            let maxAge = configuration.snapshotMaxAge
            let maxAgeSeconds = Double(maxAge.components.seconds) + Double(maxAge.components.attoseconds) / 1e18
            return age > maxAgeSeconds ? .tooOld(warning) : .warn(warning)
        }
        if let since = cache.failingSince {
            return .warn(Self.warning(
                "kcache: the API server is unreachable; data may be stale since \(ISO8601DateFormatter().string(from: since))"))
        }
        return .fresh
    }

    /// A `Warning` header value as the API server writes them: `299 - "<text>"`.
    static func warning(_ text: String) -> String {
        "299 - \"\(text.replacingOccurrences(of: "\"", with: "'"))\""
    }

    static func describe(seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 120 { return "\(whole)s" }
        if whole < 7200 { return "\(whole / 60)m" }
        return "\(whole / 3600)h"
    }
}

extension Route {
    /// The same route with `header` added to whatever it answers.
    func adding(header name: String, _ value: String) -> Route {
        switch self {
        case .response(var response):
            response.headers.append((name, value))
            return .response(response)
        case .deferred(let work):
            return .deferred { body in
                var response = await work(body)
                response.headers.append((name, value))
                return response
            }
        }
    }
}
