import KubeAPI

/// The `/_sim/…` control endpoints, for tests in other processes (kubectl tests, the Python
/// client) and for people poking at `kcache sim`:
///
/// | request | effect |
/// | --- | --- |
/// | `GET /_sim/faults` | current faults |
/// | `POST /_sim/faults` `{"watchEventDelayMs":400,"refuseWatches":true,"down":true,"listDelayMs":N}` | set the given ones |
/// | `POST /_sim/faults/reset` | all faults off |
/// | `POST /_sim/drop-watches` | close every open watch |
/// | `POST /_sim/compact` | drop all history (older RVs get 410) |
/// | `GET /_sim/counters`, `POST /_sim/counters/reset` | request counters |
/// | `GET /_sim/state` | current resourceVersion and open watches |
/// | `POST /_sim/churn` `{"writesPerSecond":N}`, `POST /_sim/churn/stop` | churn |
/// | `POST /_sim/crds` `{"group":…,"version":…,"kind":…,"plural":…,"namespaced":true,"selectableFields":[…]}` | install a custom resource |
///
/// Never affected by faults. Stateless; safe to call concurrently.
struct SimControl: Sendable {
    let store: ObjectStore
    let faults: Faults
    let counters: RequestCounters
    let churn: ChurnGenerator

    /// Answers one `/_sim` request; unknown paths are 404 `Status`es. Bodies that are not JSON
    /// objects are read as `{}`.
    func handle(_ request: SimRequest) async -> SimResponse {
        let body = (try? JSONParser.parse(request.body))?.objectValue ?? JSONObject()
        switch (request.method, request.path) {
        case ("GET", "/_sim/faults"):
            return faultsBody()
        case ("POST", "/_sim/faults"):
            if let delay = body["watchEventDelayMs"]?.intValue { faults.watchEventDelay = .milliseconds(delay) }
            if let refuse = body["refuseWatches"]?.boolValue { faults.refuseWatches = refuse }
            if let down = body["down"]?.boolValue { faults.isDown = down }
            if let delay = body["listDelayMs"]?.intValue { faults.listDelay = .milliseconds(delay) }
            return faultsBody()
        case ("POST", "/_sim/faults/reset"):
            faults.reset()
            return faultsBody()
        case ("POST", "/_sim/drop-watches"):
            faults.dropAllWatches()
            return ok()
        case ("POST", "/_sim/compact"):
            faults.compactHistory()
            return ok()
        case ("GET", "/_sim/counters"):
            let entries = counters.snapshot.sorted { ($0.key.resource, $0.key.verb) < ($1.key.resource, $1.key.verb) }
            let items: [JSONValue] = entries.map { entry in
                .object(JSONObject([
                    ("verb", .string(entry.key.verb)), ("resource", .string(entry.key.resource)),
                    ("count", .number(String(entry.value))),
                ]))
            }
            return .json(200, JSONValue.object(JSONObject([("counters", .array(items))])).encoded)
        case ("POST", "/_sim/counters/reset"):
            counters.reset()
            return ok()
        case ("GET", "/_sim/state"):
            return .json(200, JSONValue.object(JSONObject([
                ("resourceVersion", .string(String(store.currentResourceVersion))),
                ("openWatches", .number(String(store.openWatchCount))),
                ("churnWrites", .number(String(churn.writes))),
            ])).encoded)
        case ("POST", "/_sim/churn"):
            churn.start(writesPerSecond: body["writesPerSecond"]?.intValue ?? 10)
            return ok()
        case ("POST", "/_sim/churn/stop"):
            churn.stop()
            return ok()
        case ("POST", "/_sim/crds"):
            guard let group = body.string("group"), let version = body.string("version"),
                  let kind = body.string("kind"), let plural = body.string("plural") else {
                return .status(Status.badRequest("group, version, kind and plural are required"))
            }
            let definition = CustomResourceDefinition(
                group: group, version: version, kind: kind, plural: plural, singular: body.string("singular"),
                namespaced: body["namespaced"]?.boolValue ?? true,
                shortNames: body["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                selectableFields: body["selectableFields"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatusSubresource: body["statusSubresource"]?.boolValue ?? false)
            store.register(definition.definition)
            return ok()
        default:
            return .status(Status.pathNotFound())
        }
    }

    private func ok() -> SimResponse {
        .json(200, Array(#"{"ok":true}"#.utf8))
    }

    private func faultsBody() -> SimResponse {
        func milliseconds(_ duration: Duration) -> String {
            String(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        return .json(200, JSONValue.object(JSONObject([
            ("watchEventDelayMs", .number(milliseconds(faults.watchEventDelay))),
            ("refuseWatches", .bool(faults.refuseWatches)),
            ("down", .bool(faults.isDown)),
            ("listDelayMs", .number(milliseconds(faults.listDelay))),
        ])).encoded)
    }
}
