import Foundation

/// What the snapshot store has done since it was created: the metrics' values, readable in
/// tests without a metrics backend. A value copied out of the store; it never changes after.
public struct SnapshotStatistics: Sendable, Hashable {
    /// Saves committed.
    public var saves = 0
    /// Saves that failed (nothing committed; the next save writes their changes).
    public var saveFailures = 0
    /// The last committed save.
    public var lastSave: SnapshotSaveReport?
    /// When the last save committed.
    public var lastSuccessAt: Date?
    /// Why the last failed save failed, until a save succeeds.
    public var lastError: String?
    /// Size of the file and its WAL after the last save or load.
    public var fileBytes = 0
    /// Totals over all committed saves.
    public var objectsWritten = 0
    public var objectsDeleted = 0
    public var eventsWritten = 0
    /// Loads that restored a file, and what the last one did.
    public var loads = 0
    public var lastLoad: SnapshotLoadReport?
    /// Unreadable files moved aside (corrupt, truncated, garbage, newer schema).
    public var filesMovedAside = 0
}

/// What one committed save wrote.
public struct SnapshotSaveReport: Sendable, Hashable {
    /// Resources whose row was written (every saved resource: its RV and `savedAt` move on).
    public var resources = 0
    /// Objects inserted or replaced, and deleted.
    public var objectsUpserted = 0
    public var objectsDeleted = 0
    /// History events inserted, and deleted (fallen out of the saved tail).
    public var eventsInserted = 0
    public var eventsDeleted = 0
    /// Resources removed from the file (now excluded).
    public var resourcesPurged = 0
    /// True when the file's contents were unknown (a new or replaced file) and everything was
    /// rewritten rather than the differences.
    public var isFullRewrite = false
    public var duration: Duration = .zero

    public init() {}
}

/// What one load read, and where its time went.
public struct SnapshotLoadReport: Sendable, Hashable {
    public var resources = 0
    public var objects = 0
    public var events = 0
    /// Scanning the objects out of SQLite (bytes copied once into the objects' arrays).
    public var readDuration: Duration = .zero
    /// Rebuilding objects from their bytes and saved metadata: busy time summed over the
    /// threads that did it, overlapping the scan.
    public var decodeDuration: Duration = .zero
    /// Building the stores (key-ordered trees, bottom-up) once the scan and decoding are done.
    public var buildDuration: Duration = .zero
    /// Reading the event tails, after the stores are built.
    public var eventsDuration: Duration = .zero
    /// The whole load, wall clock.
    public var duration: Duration = .zero

    public init() {}
}
