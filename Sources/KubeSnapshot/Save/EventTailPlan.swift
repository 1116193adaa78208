/// How to bring the events saved for a resource up to the history tail a save is writing:
/// which rows to delete and which events to insert, at which sequence numbers.
///
/// The history only grows at its end and loses events at its front, so when the newest saved
/// event is still in the tail (at index `i`), the file already holds `tail[...i]` as its last
/// `i + 1` rows: older rows are deleted and `tail[(i+1)...]` appended. Otherwise (the history
/// was replaced, or moved past everything saved) every row is deleted and the whole tail
/// inserted. Either way the file ends up holding exactly the tail, in order:
///
/// ```
/// saved rows:   [s0 s1 s2 s3]            (s3 = newest saved, seq 13)
/// tail:               [s2 s3 e4 e5]      (s3 found at index 1)
/// → delete seq < 12, insert e4, e5 as 14, 15
/// ```
struct EventTailPlan: Hashable {
    /// Delete every saved event of the resource.
    var deletesAll: Bool
    /// Delete saved events with a smaller sequence (nil: none).
    var deleteBefore: Int64?
    /// Index in the tail of the first event to insert (`tail.count`: none).
    var insertFrom: Int
    /// Sequence number of the first inserted event; the rest follow.
    var firstInsertSequence: Int64
    /// What the file holds once the plan is carried out.
    var result: SavedEventTail

    init(saved: SavedEventTail, tail: [EventSignature]) {
        let kept = saved.newest.flatMap { newest in tail.lastIndex(of: newest) }.map { $0 + 1 }
        if let kept, kept <= saved.count {
            deletesAll = false
            let firstKept = saved.nextSequence - Int64(kept)
            deleteBefore = kept < saved.count ? firstKept : nil
            insertFrom = kept
            firstInsertSequence = saved.nextSequence
            result = SavedEventTail(firstSequence: firstKept, count: tail.count, newest: tail.last)
        } else {
            // Delete even when nothing is known to be saved: after a COMMIT that failed
            // ambiguously the file may hold events `saved` does not know about.
            deletesAll = true
            deleteBefore = nil
            insertFrom = 0
            firstInsertSequence = saved.nextSequence
            result = SavedEventTail(firstSequence: saved.nextSequence, count: tail.count, newest: tail.last)
        }
    }

    /// Events the plan inserts, for a tail of `count` events.
    func insertCount(tailCount count: Int) -> Int { count - insertFrom }
}
