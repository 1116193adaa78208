import Synchronization

/// Counts the requests KubeSim served, by verb (`get`, `list`, `watch`, `create`, `update`,
/// `patch`, `delete`, `deletecollection`) and resource (`configmaps`, `deployments.apps`), so a
/// test can prove what reached the upstream.
///
/// Thread-safe; a request is counted when its path names a served resource, before faults
/// (down, refused watches, slow lists) answer it.
/// Discovery and `/_sim` requests are counted under resource `""` with verb `discovery`/`sim`.
public final class RequestCounters: Sendable {
    /// One counter's identity.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var verb: String
        public var resource: String
        public init(verb: String, resource: String) {
            self.verb = verb
            self.resource = resource
        }
        public var description: String { "\(verb) \(resource)" }
    }

    private let counts = Mutex<[Key: Int]>([:])

    init() {}

    /// Requests with `verb` on `resource` (`configmaps`, or `deployments.apps` for other groups;
    /// the plain resource name also matches a non-core resource when unambiguous).
    public func count(verb: String, resource: String) -> Int {
        counts.withLock { counts in
            if let exact = counts[Key(verb: verb, resource: resource)] { return exact }
            return counts.filter { $0.key.verb == verb && $0.key.resource.split(separator: ".").first.map(String.init) == resource }
                .reduce(0) { $0 + $1.value }
        }
    }

    /// Every counter at this moment.
    public var snapshot: [Key: Int] {
        counts.withLock { $0 }
    }

    public func reset() {
        counts.withLock { $0 = [:] }
    }

    func increment(verb: String, resource: String) {
        counts.withLock { $0[Key(verb: verb, resource: resource), default: 0] += 1 }
    }
}
