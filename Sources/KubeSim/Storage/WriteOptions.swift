/// Options every write takes.
struct WriteOptions: Sendable {
    /// `dryRun=All`: validate and answer, store nothing.
    var dryRun = false
    /// Keep a created object's `status` (seeding); the API server resets it.
    var preserveStatus = false
    /// Which subresource the update is for (`status`), nil for the object itself.
    var subresource: String?
}

/// DeleteOptions.preconditions.
struct Preconditions: Sendable {
    var uid: String?
    var resourceVersion: String?
}
