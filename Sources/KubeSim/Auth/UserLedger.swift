import Synchronization

/// Counts of requests per authenticated user, verb and resource. Thread-safe.
final class UserLedger: Sendable {
    private struct Key: Hashable {
        var user: String
        var verb: String
        var resource: String
    }

    /// Guarded by the mutex.
    private let counts = Mutex<[Key: Int]>([:])

    func record(user: String, verb: String, resource: String) {
        counts.withLock { $0[Key(user: user, verb: verb, resource: resource), default: 0] += 1 }
    }

    /// Requests by `user` with `verb` on `resource` (`configmaps`, `deployments.apps`; a plain
    /// name also matches a resource of another group, as `RequestCounters.count` does).
    func count(user: String, verb: String, resource: String) -> Int {
        counts.withLock { counts in
            counts.filter { entry in
                entry.key.user == user && entry.key.verb == verb
                    && (entry.key.resource == resource || entry.key.resource.split(separator: ".").first.map(String.init) == resource)
            }.reduce(0) { $0 + $1.value }
        }
    }
}
