/// The fuzz targets of kcache's parsers of untrusted input, one per input format.
///
/// Contract of `run(_:)`: any bytes are a valid input. A target feeds them to the parsers it
/// names and checks, beyond "no trap", the invariants listed on each target's type (round
/// trips, agreement with an independent reference parser or with Foundation, byte ranges in
/// bounds, edits that keep every other byte). A broken invariant throws `InvariantViolation`;
/// a trap in the code under test is a crash, which libFuzzer records with its input. Pure:
/// no files, sockets, clocks or global state, so an input replays the same anywhere.
///
/// The raw values are the names `KCACHE_FUZZ_TARGET` and the corpus directories use.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `RequestInfo(method:uri:)`, `QueryString`, `ListOptions`: `METHOD /path?query`.
    case requestInfo = "request-info"
    /// `LabelSelector(parsing:)` and `matches`: a selector line, then `key=value` label lines.
    case labelSelector = "label-selector"
    /// `FieldSelector(parsing:)`, `matches`, `validated`: a selector line, then field lines.
    case fieldSelector = "field-selector"
    /// `ContinueToken(decoding:)`: a token, or the JSON inside one (input starting with `{`).
    case continueToken = "continue-token"
    /// `ObjectJSON`: metadata, field values, `settingTypeMeta`, `settingResourceVersion`.
    case objectJSON = "object-json"
    /// `ListBody(parsing:)`: a LIST response body.
    case listBody = "list-body"
    /// `Status.status(fromJSON:)`: an error body or a watch `ERROR` event's object.
    case statusJSON = "status-json"
    /// `ProtobufEnvelope`, `ProtobufObjectMeta`, `Status(protobufObject:)`: a protobuf body.
    case protobuf = "protobuf"
    /// `WatchEventLine(parsing:)` and `WatchEventEncoder`: watch stream bytes, one event a line.
    case watchEvent = "watch-event"
    /// `CachedObject.fromListItem` and `fromWatchEvent` (KubeCache): an object's JSON.
    case cachedObject = "cached-object"
    /// `RequestHead.frame` (KubeProxy's fast path) against NIO's request decoder: received bytes.
    case requestHead = "request-head"

    /// libFuzzer's `-max_len` for the target: room for the largest realistic input (a ~4 KB
    /// Pod, a page of a LIST) without letting inputs grow so large that runs slow down.
    public var maxLength: Int {
        switch self {
        case .requestInfo: 1024
        case .requestHead: 2048
        case .labelSelector, .fieldSelector: 512
        case .continueToken: 512
        case .objectJSON, .listBody, .watchEvent, .cachedObject: 8192
        case .statusJSON: 2048
        case .protobuf: 2048
        }
    }

    /// Runs one input through the target's parsers and checks.
    public func run(_ data: UnsafeRawBufferPointer) throws(InvariantViolation) {
        let bytes = Array(data)
        switch self {
        case .requestInfo: try RequestInfoTarget.run(bytes)
        case .labelSelector: try LabelSelectorTarget.run(bytes)
        case .fieldSelector: try FieldSelectorTarget.run(bytes)
        case .continueToken: try ContinueTokenTarget.run(bytes)
        case .objectJSON: try ObjectJSONTarget.run(bytes)
        case .listBody: try ListBodyTarget.run(bytes)
        case .statusJSON: try StatusJSONTarget.run(bytes)
        case .protobuf: try ProtobufTarget.run(bytes)
        case .watchEvent: try WatchEventTarget.run(bytes)
        case .cachedObject: try CachedObjectTarget.run(bytes)
        case .requestHead: try RequestHeadTarget.run(bytes)
        }
    }

    /// Runs an input held in an array.
    public func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let outcome = bytes.withUnsafeBytes { raw in
            Result { () throws(InvariantViolation) in try run(raw) }
        }
        try outcome.get()
    }
}
