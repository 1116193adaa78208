/// What an update did (updates and deletes report outcomes; handlers turn them into the
/// API server's answers).
enum UpdateOutcome: Sendable {
    /// Written at a new resourceVersion.
    case updated(StoredObject)
    /// The new state equals the stored one: nothing written, no event (the API server's no-op).
    case unchanged(StoredObject)
    /// The update emptied the finalizers of an object being deleted, so it was deleted; the
    /// answer is the delete's (carrying the last stored state).
    case deleted(StoredObject)
}

/// What a delete did.
enum DeleteOutcome: Sendable {
    /// Removed; carries the last stored state.
    case deleted(StoredObject)
    /// Finalizers pending: marked with `deletionTimestamp`, still present.
    case pending(StoredObject)
}
