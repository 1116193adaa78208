import KubeAPI
import KubeCache
import Synchronization

/// What reads of each resource must observe, learnt from the writes kcache forwarded:
/// the heart of read-your-writes.
///
/// Shared by every client of this process: a write by one client holds back later reads by
/// any client until the cache reflects it. Records are dropped as soon as the cache satisfies
/// them, so reads of resources nobody wrote (or whose writes the cache has caught up with)
/// never wait. Thread-safe; the lock guards one small dictionary.
public final class WriteRecords: Sendable {
    /// What one successful write tells a later read.
    public enum Outcome: Sendable, Hashable {
        /// Create, update, patch (or a delete that left the object, with finalizers): the
        /// answer's resourceVersion.
        case resourceVersion(ResourceVersion)
        /// A delete: the object with this key and UID must be gone.
        case deleted(ObjectKey, uid: String)
        /// Nothing could be learnt (DeleteCollection, an unexpected body): reads go upstream
        /// for a while.
        case unknown
    }

    private struct Record {
        var minimumResourceVersion: ResourceVersion?
        var deletions: [ObjectKey: Deletion] = [:]
        var upstreamUntil: ContinuousClock.Instant?
    }

    /// A deleted object that must be gone from the cache.
    ///
    /// The object's absence proves the delete only once the cache holds what preceded it: an
    /// object created (or updated) through kcache just before its delete may not have reached
    /// the cache yet, and a read that then waits for that create would bring it back. So the
    /// absence is judged only once the cache has reached `notBefore`, the newest write of the
    /// resource it had not yet reached when the delete was recorded (nil: none pending).
    ///
    /// A deletion that stays unsatisfied for `deletionLifetime` is dropped: the object is then
    /// evidently still there for a reason the answer did not tell (a delete with
    /// `dryRun` in its body, a kind that deletes gracefully in a way the answer hides), and
    /// every read of the resource would otherwise wait `--ryw-timeout` and go upstream for as
    /// long as the object lives.
    private struct Deletion {
        var uid: String
        var notBefore: ResourceVersion?
        var recordedAt: ContinuousClock.Instant
    }

    /// Guarded by the mutex.
    private let records = Mutex<[GroupVersionResource: Record]>([:])
    /// Whether `records` holds anything: set under the lock by every change, read without it,
    /// so reads of a cluster with no write awaiting its echo (the usual case) take no lock. A
    /// write is recorded before its answer is sent, so any read that follows the answer sees it.
    private let hasRecords = Atomic<Bool>(false)
    /// How long reads go upstream after a write whose effect is unknown.
    public let unknownWindow: Duration
    /// Most deletions kept per resource. Deletions are dropped only by the reads that find
    /// them satisfied, and some clients never make such a read (informers read with
    /// resourceVersion "0" or N; eventual and strict modes make none), so without a bound the
    /// table would grow with every DELETE. Beyond it, the resource's deletions are replaced
    /// by an unknown outcome: reads go upstream for `unknownWindow`. Each read of the
    /// resource checks every deletion under the lock, which this also keeps short.
    public static let maxDeletionsPerResource = 1024
    /// How long a deletion is waited for at most (see `Deletion`): ten `--ryw-timeout`s, far
    /// beyond any watch lag that reads still wait out.
    public var deletionLifetime: Duration { unknownWindow * 10 }

    public init(unknownWindow: Duration) {
        self.unknownWindow = unknownWindow
    }

    public func record(_ outcome: Outcome, for resource: GroupVersionResource, now: ContinuousClock.Instant = .now) {
        records.withLock { records in
            var record = records[resource] ?? Record()
            switch outcome {
            case .resourceVersion(let resourceVersion):
                record.minimumResourceVersion = max(record.minimumResourceVersion ?? resourceVersion, resourceVersion)
            case .deleted(let key, let uid):
                record.deletions[key] = Deletion(uid: uid, notBefore: record.minimumResourceVersion, recordedAt: now)
                if record.deletions.count > Self.maxDeletionsPerResource {
                    record.deletions = [:]
                    record.upstreamUntil = now + unknownWindow
                }
            case .unknown:
                record.upstreamUntil = now + unknownWindow
            }
            records[resource] = record
            hasRecords.store(true, ordering: .releasing)
        }
    }

    /// What a read of `resource` must wait for now.
    public enum Requirement: Sendable {
        /// Nothing: answer from the cache.
        case none
        /// Wait until the cache satisfies all of these.
        case wait([FreshnessCondition])
        /// Go upstream: a recent write's effect is unknown.
        case upstream
    }

    /// The requirement for a read of `resource` from `store`; drops what `store` satisfies.
    public func requirement(for resource: GroupVersionResource, store: Store, now: ContinuousClock.Instant? = nil) -> Requirement {
        guard hasRecords.load(ordering: .acquiring) else { return .none }
        let now = now ?? .now
        return records.withLock { records in
            guard var record = records[resource] else { return .none }
            if let until = record.upstreamUntil {
                if now < until { return .upstream }
                record.upstreamUntil = nil
            }
            var pending: [FreshnessCondition] = []
            if let minimum = record.minimumResourceVersion {
                let condition = FreshnessCondition.resourceVersion(atLeast: minimum)
                if condition.isSatisfied(by: store) { record.minimumResourceVersion = nil } else { pending.append(condition) }
            }
            // After the resourceVersion condition: a read waits for that first, then for the
            // objects to be gone (an absence judged before the cache holds them proves nothing).
            for (key, deletion) in record.deletions {
                let condition = FreshnessCondition.objectGone(key, uid: deletion.uid)
                let isJudged = deletion.notBefore.map { store.resourceVersion >= $0 } ?? true
                let isSatisfied = isJudged && condition.isSatisfied(by: store)
                if isSatisfied || now - deletion.recordedAt > deletionLifetime {
                    record.deletions[key] = nil
                } else {
                    pending.append(condition)
                }
            }
            if record.minimumResourceVersion == nil && record.deletions.isEmpty && record.upstreamUntil == nil {
                records[resource] = nil
                if records.isEmpty { hasRecords.store(false, ordering: .releasing) }
            } else {
                records[resource] = record
            }
            return pending.isEmpty ? .none : .wait(pending)
        }
    }

    /// Number of resources with pending records (for tests and metrics).
    public var pendingResources: Int { records.withLock { $0.count } }
}
