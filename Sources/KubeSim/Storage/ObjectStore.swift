import KubeAPI
import Synchronization

/// The simulated etcd plus registry: every resource's objects, one global resourceVersion
/// counter across all kinds, event histories and open watchers.
///
/// All state sits behind one `Mutex`. A write assigns the next resourceVersion, records the
/// revision and event, and offers the event to the resource's watchers inside the same
/// critical section, so resourceVersions are strictly increasing in commit order and every
/// watcher receives events in that order. Reads copy references to immutable `StoredObject`s
/// under the lock and serialize outside it. Lock order: store, then a watcher's queue (never
/// the reverse). Safe to call from any task or thread.
final class ObjectStore: Sendable {
    struct State: Sendable {
        var resourceVersion: UInt64 = 0
        var resources: [GroupVersionResource: ResourceState] = [:]
        /// Resources in the order they were registered (discovery order).
        var order: [GroupVersionResource] = []
        var nextWatcherID = 1
        /// Tasks waiting for the resourceVersion to reach a value (LIST/GET with RV=N).
        var waiters: [ResourceVersionWaiter] = []
        var nextWaiterID = 1
    }

    /// One suspended wait for a resourceVersion.
    struct ResourceVersionWaiter: Sendable {
        var id: Int
        var target: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    /// Everything stored; see the type's comment for what the lock covers.
    let state: Mutex<State>
    /// Events kept per resource (`Configuration.historyLimit`).
    let historyLimit: Int
    /// Items queued per watcher before it is closed (`Configuration.watchQueueLimit`).
    let watchQueueLimit: Int

    init(definitions: [ResourceDefinition], historyLimit: Int, watchQueueLimit: Int) {
        self.historyLimit = historyLimit
        self.watchQueueLimit = watchQueueLimit
        var initial = State()
        for definition in definitions {
            initial.resources[definition.resource] = ResourceState(definition: definition)
            initial.order.append(definition.resource)
        }
        state = Mutex(initial)
    }

    var currentResourceVersion: UInt64 {
        state.withLock { $0.resourceVersion }
    }

    /// Registers a resource (a CRD being installed). Re-registering keeps the stored objects.
    func register(_ definition: ResourceDefinition) {
        state.withLock { state in
            if state.resources[definition.resource] == nil {
                state.resources[definition.resource] = ResourceState(definition: definition)
                state.order.append(definition.resource)
            }
        }
    }

    var definitions: [ResourceDefinition] {
        state.withLock { state in state.order.compactMap { state.resources[$0]?.definition } }
    }

    func definition(for resource: GroupVersionResource) -> ResourceDefinition? {
        state.withLock { $0.resources[resource]?.definition }
    }

    /// Suspends until the resourceVersion reaches `target` or `timeout` passes; true if reached.
    func waitForResourceVersion(_ target: UInt64, timeout: Duration) async -> Bool {
        if currentResourceVersion >= target { return true }
        let id = state.withLock { state -> Int in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return await withCheckedContinuation { continuation in
            let reached = state.withLock { state -> Bool in
                if state.resourceVersion >= target { return true }
                state.waiters.append(ResourceVersionWaiter(id: id, target: target, continuation: continuation))
                return false
            }
            if reached {
                continuation.resume(returning: true)
                return
            }
            // The timer removes the waiter if a commit has not resumed it first; whoever
            // removes it resumes it, so it is resumed exactly once.
            Task {
                try? await Task.sleep(for: timeout)
                let waiter = self.state.withLock { state -> ResourceVersionWaiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                waiter?.continuation.resume(returning: false)
            }
        }
    }
}

extension ObjectStore.State {
    /// Assigns the next resourceVersion, stores `object` at it and notifies watchers and
    /// waiters. `object` gets `metadata.resourceVersion`. Returns the stored state.
    @discardableResult
    mutating func commit(
        _ type: WatchEventType, object: JSONObject, previous: StoredObject?,
        in resource: GroupVersionResource, historyLimit: Int
    ) -> StoredObject {
        resourceVersion += 1
        let version = resourceVersion
        var object = object
        var metadata = object.object("metadata") ?? JSONObject()
        metadata["resourceVersion"] = .string(String(version))
        object["metadata"] = .object(metadata)
        let definition = resources[resource]!.definition
        let stored = ObjectCodec.encode(object, definition: definition, resourceVersion: version)
        let event = StoreEvent(type: type, resourceVersion: version, object: stored, previous: previous)
        resources[resource]!.record(event, historyLimit: historyLimit)
        let now = ContinuousClock.now
        for (id, watcher) in resources[resource]!.watchers where !watcher.offer(event, now: now) {
            resources[resource]!.watchers[id] = nil
        }
        resumeWaiters()
        return stored
    }

    private mutating func resumeWaiters() {
        guard !waiters.isEmpty else { return }
        var remaining: [ObjectStore.ResourceVersionWaiter] = []
        for waiter in waiters {
            if waiter.target <= resourceVersion {
                waiter.continuation.resume(returning: true)
            } else {
                remaining.append(waiter)
            }
        }
        waiters = remaining
    }
}
