import DequeModule
import KubeAPI

/// The recent events of one resource, oldest first: what lets a watch resume from an RV.
///
/// Events are kept for `window` (default 10 minutes) and at most `maxBytes` (default 256 MiB),
/// whichever is smaller; older ones are dropped from the front. A watch may resume from any RV
/// at or after `oldestResumable` — the RV of the last event dropped, or of the LIST the history
/// started from — because every event after it is still here. Older RVs are `410 Expired`.
///
/// Sequence numbers: the event at `events[i]` has `sequence == firstSequence + i`; a watcher's
/// cursor is the sequence of the last event it consumed (`firstSequence - 1` means "before
/// everything retained"). A cursor below `firstSequence - 1` has lost events: that watcher fell
/// behind the history and must end.
///
/// A value type; the owning `ResourceCache` guards it with its lock.
struct EventHistory {
    struct Configuration: Sendable {
        var window: Duration = .seconds(600)
        var maxBytes: Int = 256 << 20
    }

    let configuration: Configuration
    private(set) var events = Deque<WatchCacheEvent>()
    /// Sequence number of `events.first` (or of the next event when empty).
    private(set) var firstSequence: UInt64 = 1
    /// Watches from an RV below this are Expired.
    private(set) var oldestResumable: ResourceVersion
    /// `endOffset` of the last event dropped: the offset of cursor `firstSequence - 1`.
    private(set) var droppedOffset = 0
    /// Sum of `footprint` over `events`.
    private(set) var retainedBytes = 0

    init(configuration: Configuration, startingAt resourceVersion: ResourceVersion) {
        self.configuration = configuration
        oldestResumable = resourceVersion
    }

    /// Sequence of the newest event, or `firstSequence - 1` when empty.
    var lastSequence: UInt64 { firstSequence + UInt64(events.count) - 1 }

    /// Offset after the newest event.
    var headOffset: Int { events.last?.endOffset ?? droppedOffset }

    /// Appends an event built from its sequence number and end offset.
    mutating func append(
        _ type: WatchEventType, object: CachedObject, previous: CachedObject?, encoded: [UInt8],
        now: ContinuousClock.Instant
    ) -> WatchCacheEvent {
        let event = WatchCacheEvent(
            type: type, object: object, previous: previous, encoded: encoded,
            sequence: lastSequence + 1, endOffset: headOffset + encoded.count, receivedAt: now)
        events.append(event)
        retainedBytes += event.footprint
        trim(now: now)
        return event
    }

    /// Drops events older than the window and, oldest first, any beyond the byte cap.
    mutating func trim(now: ContinuousClock.Instant) {
        while let oldest = events.first,
              now - oldest.receivedAt > configuration.window || retainedBytes > configuration.maxBytes {
            events.removeFirst()
            retainedBytes -= oldest.footprint
            firstSequence += 1
            droppedOffset = oldest.endOffset
            oldestResumable = max(oldestResumable, oldest.resourceVersion)
        }
    }

    /// Forgets every event (after a cache reset), resuming from `resourceVersion`.
    mutating func reset(startingAt resourceVersion: ResourceVersion) {
        if let last = events.last {
            droppedOffset = last.endOffset
            firstSequence = last.sequence + 1
        }
        events.removeAll()
        retainedBytes = 0
        oldestResumable = resourceVersion
    }

    /// The cursor for a watch that has seen everything up to `resourceVersion`: the sequence of
    /// the last event at or below it. Nil when events after `resourceVersion` are gone
    /// (the watch is Expired).
    func cursor(after resourceVersion: ResourceVersion) -> UInt64? {
        guard resourceVersion >= oldestResumable else { return nil }
        // RVs are non-decreasing along the history: binary search the first event above.
        var low = 0
        var high = events.count
        while low < high {
            let middle = (low + high) / 2
            if events[middle].resourceVersion <= resourceVersion { low = middle + 1 } else { high = middle }
        }
        return firstSequence + UInt64(low) - 1
    }

    /// Up to `limit` events after `cursor`, oldest first; nil when `cursor` has fallen out of
    /// the history.
    func events(after cursor: UInt64, limit: Int) -> ArraySlice<WatchCacheEvent>? {
        guard cursor + 1 >= firstSequence else { return nil }
        let start = Int(cursor + 1 - firstSequence)
        guard start < events.count else { return [] }
        let end = min(events.count, start + limit)
        return ArraySlice(events[start..<end])
    }

    /// The bytes of events after `cursor`: how far behind a watcher at `cursor` is; nil when
    /// `cursor` has fallen out of the history.
    func bytesPending(after cursor: UInt64) -> Int? {
        guard cursor + 1 >= firstSequence else { return nil }
        let offset = cursor + 1 == firstSequence ? droppedOffset : events[Int(cursor - firstSequence)].endOffset
        return headOffset - offset
    }

    /// The RV a watcher at `cursor` has seen everything up to, within the retained events.
    func resourceVersion(at cursor: UInt64) -> ResourceVersion? {
        guard cursor >= firstSequence, cursor <= lastSequence else { return nil }
        return events[Int(cursor - firstSequence)].resourceVersion
    }
}
