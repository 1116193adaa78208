import Testing

/// The snapshot suites, run one after another (`.serialized` applies to the suites nested in
/// it): each starts and kills `kcache` processes, and one times a restart's first LIST, which
/// the others' processes running beside it on a two-core machine would disturb.
@Suite(.serialized) struct SnapshotProcessTests {}
