import KubeAPI
import Synchronization

/// An API server that answers, but answers badly: error statuses instead of answers, requests
/// it never answers, streams it breaks mid-line, and lines that are not what they should be.
/// `Faults` covers a server that is away or slow; this covers one that misbehaves, for the
/// hardening tests of whatever sits in front of KubeSim.
///
/// Armed from Swift (`sim.faults.misbehaviour`); consulted by `SimRouter` (error answers and
/// stalls, for resource requests only, after the `down` fault) and by the HTTP server (stream
/// cuts and injected lines, as it writes watch and LIST bodies). Every arming is counted down
/// as it fires, so a test says exactly how many requests or streams misbehave. Thread-safe: any
/// method may be called from any task at any time.
public final class Misbehaviour: Sendable {
    /// An error answer given instead of serving a request.
    public struct ErrorAnswer: Sendable {
        /// The HTTP status (429, 500, 502, 503, 504, …).
        public var code: Int
        /// Sent as `Retry-After` (seconds) when set.
        public var retryAfterSeconds: Int?
        /// The body: a `Status` (as the API server answers), or an HTML page (as a load
        /// balancer in front of it answers).
        public var statusBody: Bool
        /// The verbs answered so (`list`, `watch`, `create`, …); nil for every verb.
        public var verbs: Set<String>?
        /// How many requests get it; nil for every one until `reset()`.
        public var count: Int?

        public init(code: Int, retryAfterSeconds: Int? = nil, statusBody: Bool = true, verbs: Set<String>? = nil, count: Int? = nil) {
            self.code = code
            self.retryAfterSeconds = retryAfterSeconds
            self.statusBody = statusBody
            self.verbs = verbs
            self.count = count
        }
    }

    /// When an injected error answer was given, and to which verb.
    public struct Answered: Sendable {
        public var verb: String
        public var code: Int
        public var at: ContinuousClock.Instant
    }

    private struct State: Sendable {
        var errors: [ErrorAnswer] = []
        var answered: [Answered] = []
        var stalledVerbs: Set<String> = []
        var stalled: [CheckedContinuation<Void, Never>] = []
        /// Watch streams to cut: after this many more writes, the next write is cut.
        var watchCut: (afterWrites: Int, count: Int)?
        /// LIST bodies to cut after their first piece.
        var listCuts = 0
        var cutsDone = 0
        var injectedLines: [[UInt8]] = []
    }

    private let state = Mutex(State())

    init() {}

    // MARK: Arming

    /// Answers matching requests with `answer` (after earlier armings are used up).
    public func answerErrors(_ answer: ErrorAnswer) {
        state.withLock { $0.errors.append(answer) }
    }

    /// Requests with these verbs are accepted and never answered (an upstream that hangs),
    /// until `reset()` or `release()`.
    public func stall(verbs: Set<String>) {
        state.withLock { $0.stalledVerbs = verbs }
    }

    /// Answers the stalled requests (they then proceed normally) and stops stalling.
    public func release() {
        let waiting = state.withLock { state in
            state.stalledVerbs = []
            defer { state.stalled = [] }
            return state.stalled
        }
        for continuation in waiting { continuation.resume() }
    }

    /// The next `count` watch streams written to are cut after `afterWrites` whole writes
    /// (events or batches): half of the next line is written, then the connection is reset
    /// (TCP RST), as when a load balancer or the API server dies mid-stream.
    public func cutWatches(afterWrites: Int, count: Int = 1) {
        state.withLock { $0.watchCut = (afterWrites, count) }
    }

    /// The next `count` LIST bodies are cut: their first piece is half written, then the
    /// connection is reset.
    public func cutLists(count: Int = 1) {
        state.withLock { $0.listCuts = count }
    }

    /// `lines` are written, as they are plus a newline each, into the next watch stream that
    /// writes anything, just before what it writes: malformed JSON, events of the wrong shape,
    /// or well-formed events the store never produced (a stale replay).
    public func injectWatchLines(_ lines: [[UInt8]]) {
        state.withLock { $0.injectedLines.append(contentsOf: lines) }
    }

    /// Switches every misbehaviour off and answers stalled requests.
    public func reset() {
        release()
        state.withLock { state in
            state.errors = []
            state.watchCut = nil
            state.listCuts = 0
            state.injectedLines = []
        }
    }

    // MARK: What happened

    /// Every injected error answer given so far, in order.
    public var answered: [Answered] { state.withLock { $0.answered } }

    /// Streams cut so far (watches and LISTs).
    public var cuts: Int { state.withLock { $0.cutsDone } }

    /// Injected lines not yet written.
    public var pendingInjectedLines: Int { state.withLock { $0.injectedLines.count } }

    // MARK: Hooks

    /// The answer for a resource request with `verb`, when one is armed; stalls first when
    /// the verb is stalled.
    func intercept(verb: String) async -> SimResponse? {
        await stallIfArmed(verb: verb)
        let answer = state.withLock { state -> ErrorAnswer? in
            guard let index = state.errors.firstIndex(where: { $0.verbs?.contains(verb) ?? true }) else { return nil }
            let answer = state.errors[index]
            if let count = answer.count {
                if count <= 1 { state.errors.remove(at: index) } else { state.errors[index].count = count - 1 }
            }
            state.answered.append(Answered(verb: verb, code: answer.code, at: .now))
            return answer
        }
        guard let answer else { return nil }
        var headers: [(String, String)] = []
        if let retry = answer.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
        if answer.statusBody {
            let status = Status(code: answer.code, reason: Self.reason(answer.code), message: "injected failure: \(answer.code)")
            return .json(answer.code, status.jsonBytes, headers: headers)
        }
        let page = "<html><body><h1>\(answer.code)</h1>upstream misbehaving</body></html>\n"
        return .full(status: answer.code, headers: [("Content-Type", "text/html")] + headers, body: Array(page.utf8))
    }

    private func stallIfArmed(verb: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stalled = state.withLock { state -> Bool in
                guard state.stalledVerbs.contains(verb) else { return false }
                state.stalled.append(continuation)
                return true
            }
            if !stalled { continuation.resume() }
        }
    }

    /// A tap for one watch stream, which counts its writes.
    func watchTap() -> WatchStreamTap {
        WatchStreamTap(misbehaviour: self)
    }

    /// What to write for a watch stream's next write of `bytes`: the injected lines first,
    /// then the bytes, or a prefix of them and a reset (`cut`).
    fileprivate func watchWrite(_ bytes: [UInt8], writesSoFar: Int) -> (prefix: [UInt8], cut: Bool) {
        state.withLock { state in
            var out: [UInt8] = []
            for line in state.injectedLines { out += line + [UInt8(ascii: "\n")] }
            state.injectedLines = []
            if let cut = state.watchCut, writesSoFar >= cut.afterWrites {
                state.watchCut = cut.count > 1 ? (cut.afterWrites, cut.count - 1) : nil
                state.cutsDone += 1
                return (out + bytes.prefix(max(bytes.count / 2, 1)), true)
            }
            return (out + bytes, false)
        }
    }

    /// Whether a LIST body's first piece is to be cut (it then gets half of it and a reset).
    func cutsList() -> Bool {
        state.withLock { state in
            guard state.listCuts > 0 else { return false }
            state.listCuts -= 1
            state.cutsDone += 1
            return true
        }
    }

    private static func reason(_ code: Int) -> StatusReason {
        switch code {
        case 429: .tooManyRequests
        case 503: .serviceUnavailable
        case 504: .timeout
        default: .internalError
        }
    }
}

/// One watch stream's view of `Misbehaviour`: counts the stream's writes, so a cut armed
/// "after N writes" happens N writes into a stream. Used by the stream's writer only.
final class WatchStreamTap: Sendable {
    private let misbehaviour: Misbehaviour
    private let writes = Atomic<Int>(0)

    fileprivate init(misbehaviour: Misbehaviour) {
        self.misbehaviour = misbehaviour
    }

    /// The bytes to write instead of `bytes`, and whether to reset the connection after them.
    func next(_ bytes: [UInt8]) -> (bytes: [UInt8], cut: Bool) {
        let count = writes.wrappingAdd(1, ordering: .relaxed).oldValue
        let decision = misbehaviour.watchWrite(bytes, writesSoFar: count)
        return (decision.prefix, decision.cut)
    }
}
