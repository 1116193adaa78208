/// The reads waiting for a resource's cache to satisfy a `FreshnessCondition`.
///
/// Value type kept inside `ResourceCache`'s state and guarded by its lock: after every change
/// the cache takes the waiters whose condition now holds and resumes them outside the lock;
/// a waiter whose timeout fires first is taken out and resumed with `false`.
struct FreshnessWaiters {
    private struct Waiter {
        var condition: FreshnessCondition
        var continuation: CheckedContinuation<Bool, Never>
    }

    private var waiters: [UInt64: Waiter] = [:]
    private var nextID: UInt64 = 1

    var count: Int { waiters.count }

    mutating func add(_ condition: FreshnessCondition, _ continuation: CheckedContinuation<Bool, Never>) -> UInt64 {
        let id = nextID
        nextID += 1
        waiters[id] = Waiter(condition: condition, continuation: continuation)
        return id
    }

    /// Removes and returns the waiter `id`, if it is still waiting.
    mutating func remove(_ id: UInt64) -> CheckedContinuation<Bool, Never>? {
        waiters.removeValue(forKey: id)?.continuation
    }

    /// Removes and returns the waiters `store` satisfies.
    mutating func takeSatisfied(by store: Store) -> [CheckedContinuation<Bool, Never>] {
        guard !waiters.isEmpty else { return [] }
        var satisfied: [CheckedContinuation<Bool, Never>] = []
        for (id, waiter) in waiters where waiter.condition.isSatisfied(by: store) {
            satisfied.append(waiter.continuation)
            waiters[id] = nil
        }
        return satisfied
    }
}
