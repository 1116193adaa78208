import KubeAPI
import Synchronization

/// Writes a steady stream of changes for load and soak tests: about `writesPerSecond` writes,
/// mostly configmap updates, with configmap creates and deletes and pod status flips mixed in,
/// spread over the namespaces that exist.
///
/// Runs one task; `start` replaces a running generator, `stop` ends it (both thread-safe).
/// The pacing sleeps are the generator's rate, not synchronisation; on a machine too slow for
/// the rate it writes as fast as it can between short sleeps.
final class ChurnGenerator: Sendable {
    private let store: ObjectStore
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let writeCount = Atomic<Int>(0)

    init(store: ObjectStore) {
        self.store = store
    }

    var writes: Int { writeCount.load(ordering: .relaxed) }

    /// Starts (or restarts) writing at `writesPerSecond`; 0 or less only stops.
    func start(writesPerSecond: Int) {
        stop()
        guard writesPerSecond > 0 else { return }
        let newTask = Task { [self] in
            // A token bucket holding at most 100 ms of writes: a generator that falls behind
            // (a loaded machine) drops the backlog instead of looping without yielding, which
            // would starve the server's own tasks.
            let clock = ContinuousClock()
            let rate = Double(writesPerSecond)
            var credit = 0.0
            var last = clock.now
            var sequence = 0
            while !Task.isCancelled {
                let now = clock.now
                let elapsed = now - last
                last = now
                credit = min(credit + rate * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18),
                             max(1, rate / 10))
                while credit >= 1, !Task.isCancelled {
                    sequence += 1
                    writeOnce(sequence)
                    credit -= 1
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        task.withLock { $0 = newTask }
    }

    /// Stops writing; writes already made stay.
    func stop() {
        let running = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
    }

    private func namespaces() -> [String] {
        store.state.withLock { state in
            guard let namespaces = state.resources[ResourceDefinition.namespaces.resource] else { return [] }
            return namespaces.keys.keys(from: nil).compactMap { key in
                guard let object = namespaces.current(key), !object.isDeleting else { return nil }
                return key.name
            }
        }
    }

    /// One write: 15% creates `churn-<n>`, 15% deletes a churn configmap, 10% flips a pod's
    /// phase through `/status`, the rest update a configmap's data. Conflicts are skipped.
    private func writeOnce(_ sequence: Int) {
        let namespaces = namespaces()
        guard let namespace = namespaces.randomElement() else { return }
        let options = WriteOptions(dryRun: false, preserveStatus: true, subresource: nil)
        let configMaps = ResourceDefinition.configMaps.resource
        let roll = Int.random(in: 0..<100)
        do {
            if roll < 15 {
                var object = ObjectTemplates.configMap(index: sequence, dataBytes: 0)
                ObjectMeta.update(&object) { $0["name"] = .string("churn-\(sequence)") }
                _ = try store.create(configMaps, namespace: namespace, object: object, options: options)
            } else if roll < 30, let victim = randomKey(configMaps, namespace: namespace, prefix: "churn-") {
                _ = try store.delete(configMaps, key: victim, preconditions: Preconditions(), options: options)
            } else if roll < 40, let pod = randomKey(ResourceDefinition.pods.resource, namespace: namespace, prefix: "") {
                _ = try store.update(ResourceDefinition.pods.resource, key: pod, options: WriteOptions(subresource: "status")) { current throws(Status) in
                    var object = current.parsed()
                    var status = object.object("status") ?? JSONObject()
                    status["phase"] = .string(ObjectTemplates.phases[sequence % ObjectTemplates.phases.count])
                    object["status"] = .object(status)
                    return object
                }
            } else if let victim = randomKey(configMaps, namespace: namespace, prefix: "") {
                _ = try store.update(configMaps, key: victim, options: options) { current throws(Status) in
                    var object = current.parsed()
                    var data = object.object("data") ?? JSONObject()
                    data["churn"] = .string(String(sequence))
                    object["data"] = .object(data)
                    ObjectMeta.update(&object) { $0["resourceVersion"] = nil }
                    return object
                }
            } else {
                return
            }
            writeCount.add(1, ordering: .relaxed)
        } catch {
            // A racing write or a namespace being deleted: skip this one.
        }
    }

    /// A random existing key in `namespace` whose name starts with `prefix`.
    private func randomKey(_ resource: GroupVersionResource, namespace: String, prefix: String) -> ObjectKey? {
        store.state.withLock { state -> ObjectKey? in
            guard let resourceState = state.resources[resource] else { return nil }
            var candidates: [ObjectKey] = []
            for key in resourceState.keys.keys(from: ObjectKey(namespace: namespace, name: prefix)) {
                if key.namespace != namespace || !key.name.hasPrefix(prefix) { break }
                if resourceState.current(key) != nil { candidates.append(key) }
                if candidates.count >= 64 { break }
            }
            return candidates.randomElement()
        }
    }
}
