import KubeAPI
import Synchronization

/// One change to a resource as the cache recorded it: the event every watcher of the resource
/// is served from, encoded once.
///
/// `encoded` is the line `{"type":…,"object":…}\n` that a watcher without selectors receives;
/// every such watcher is handed this same array. Watchers with selectors may see the event
/// differently (KUBERNETES.md, selector transitions): an object that starts matching arrives as
/// `ADDED`, one that stops matching as `DELETED` carrying its previous state with this event's
/// resourceVersion. Those two variants are encoded on first use and then shared too.
public final class WatchCacheEvent: Sendable {
    public let type: WatchEventType
    /// The object after the event; for `DELETED`, its last state with the deletion's RV.
    public let object: CachedObject
    /// The object before the event, when the cache had it.
    public let previous: CachedObject?
    /// The encoded event line as received (`type` as upstream sent it).
    public let encoded: [UInt8]
    /// Position in the resource's history: consecutive, starting at 1.
    public let sequence: UInt64
    /// Bytes of all events up to and including this one since the cache started; the
    /// difference between two events' offsets is the bytes between them, which is how far
    /// behind a watcher is.
    public let endOffset: Int
    public let receivedAt: ContinuousClock.Instant

    /// Lazily encoded variants (selector transitions, metadata-only watches); guarded by the
    /// mutex, each written once.
    private let variants = Mutex<[Variant: [UInt8]]>([:])

    private enum Variant: Hashable {
        /// The event as received, in another format.
        case asReceived(ObjectFormat)
        /// `ADDED` of the object (it started matching).
        case added(ObjectFormat)
        /// `DELETED` of the previous state at this event's RV (it stopped matching).
        case previousDeleted(ObjectFormat)
    }

    public init(
        type: WatchEventType, object: CachedObject, previous: CachedObject?, encoded: [UInt8],
        sequence: UInt64, endOffset: Int, receivedAt: ContinuousClock.Instant
    ) {
        self.type = type
        self.object = object
        self.previous = previous
        self.encoded = encoded
        self.sequence = sequence
        self.endOffset = endOffset
        self.receivedAt = receivedAt
    }

    public var resourceVersion: ResourceVersion { object.resourceVersion }

    /// What a watcher whose filter is `matches` receives for this event, or nil when nothing.
    ///
    /// Mirrors the API server's watch cache: an object is visible when it matches after the
    /// event (never for `DELETED`) or matched before it; the four cases give nothing, `ADDED`,
    /// the event as is, or `DELETED` of the previous state at this event's RV.
    public func line(for matches: (CachedObject) -> Bool, format: ObjectFormat = .full) -> [UInt8]? {
        let matchesNow = type != .deleted && matches(object)
        let matchedBefore = previous.map(matches) ?? false
        switch (matchesNow, matchedBefore) {
        case (false, false):
            return nil
        case (true, true):
            return format == .full ? encoded : variant(.asReceived(format))
        case (true, false):
            return type == .added ? line(asReceivedIn: format) : variant(.added(format))
        case (false, true):
            return type == .deleted ? line(asReceivedIn: format) : variant(.previousDeleted(format))
        }
    }

    private func line(asReceivedIn format: ObjectFormat) -> [UInt8] {
        format == .full ? encoded : variant(.asReceived(format))
    }

    private func variant(_ variant: Variant) -> [UInt8] {
        if let cached = variants.withLock({ $0[variant] }) { return cached }
        let line: [UInt8]
        switch variant {
        case .asReceived(let format):
            line = WatchEventEncoder.encode(type, object: object.bytes(in: format))
        case .added(let format):
            line = WatchEventEncoder.encode(.added, object: object.bytes(in: format))
        case .previousDeleted(let format):
            let deleted = (previous ?? object).withResourceVersion(resourceVersion)
            line = WatchEventEncoder.encode(.deleted, object: deleted.bytes(in: format))
        }
        variants.withLock { $0[variant] = line }
        return line
    }

    /// The byte size the history charges for this event.
    var footprint: Int { encoded.count + 160 }
}
