import KubeAPI

/// What a read waits for before the cache may answer it.
public enum FreshnessCondition: Hashable, Sendable {
    /// The cache has reached this resourceVersion (a read naming an RV, or a write's answer).
    case resourceVersion(atLeast: ResourceVersion)
    /// The object with this key and UID is gone from the cache (a DELETE's answer): either no
    /// object has the key or one with another UID does.
    case objectGone(ObjectKey, uid: String)

    /// True when `store` satisfies the condition.
    public func isSatisfied(by store: Store) -> Bool {
        switch self {
        case .resourceVersion(let atLeast):
            return store.resourceVersion >= atLeast
        case .objectGone(let key, let uid):
            guard let object = store[key] else { return true }
            return !uid.isEmpty && object.uid != uid
        }
    }
}
