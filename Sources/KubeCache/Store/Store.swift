import HashTreeCollections
import KubeAPI

/// The objects of one resource at one resourceVersion: an immutable value, cheap to copy.
///
/// A `Store` is what the cache publishes after every event and what every read works from:
/// copying one is O(1) (its parts are persistent collections that share structure), so a LIST
/// takes the current store and iterates it without holding any lock while later events build
/// newer stores. Iteration is in storage-key order (`ObjectKey` order), which is the order of
/// LIST items; a namespace's objects are one contiguous range of it.
///
/// Besides the ordered objects it keeps an index from `spec.nodeName` to keys for resources
/// that have that field (pods), because kubelets and node-scoped controllers list by node.
public struct Store: Sendable {
    public private(set) var objects = PersistentSortedMap<ObjectKey, CachedObject>()
    /// The resourceVersion this store reflects: the RV of the last event applied, or of the
    /// LIST it was built from, or of a later bookmark.
    public internal(set) var resourceVersion: ResourceVersion
    /// Sum of the objects' `footprint`s.
    public private(set) var byteCount = 0
    /// `spec.nodeName` → keys of the objects on that node, for resources with that field.
    private(set) var nodeNameIndex = TreeDictionary<String, TreeSet<ObjectKey>>()
    private let nodeNameField: Int?

    public init(resource: CachedResource, resourceVersion: ResourceVersion = .zero) {
        self.resourceVersion = resourceVersion
        nodeNameField = resource.nodeNameFieldIndex
    }

    /// A store of `objects`, which must be in ascending key order (as LIST answers and snapshots
    /// give them), built in O(n).
    public init(resource: CachedResource, sortedObjects: [CachedObject], resourceVersion: ResourceVersion) {
        self.init(resource: resource, resourceVersion: resourceVersion)
        objects = PersistentSortedMap(sortedElements: sortedObjects.lazy.map { (key: $0.key, value: $0) })
        for object in sortedObjects {
            byteCount += object.footprint
            if let field = nodeNameField, let node = object.fieldValues[field] {
                nodeNameIndex[node, default: []].insert(object.key)
            }
        }
    }

    public var count: Int { objects.count }

    public subscript(key: ObjectKey) -> CachedObject? { objects[key] }

    /// Inserts or replaces `object`; returns what it replaced.
    @discardableResult
    public mutating func put(_ object: CachedObject) -> CachedObject? {
        let previous = objects.updateValue(object, forKey: object.key)
        byteCount += object.footprint - (previous?.footprint ?? 0)
        if let field = nodeNameField {
            let old = previous?.fieldValues[field]
            let new = object.fieldValues[field]
            if old != new {
                if let old { removeFromNodeIndex(node: old, key: object.key) }
                if let new { nodeNameIndex[new, default: []].insert(object.key) }
            }
        }
        return previous
    }

    /// Removes the object stored under `key`; returns it.
    @discardableResult
    public mutating func remove(_ key: ObjectKey) -> CachedObject? {
        guard let previous = objects.removeValue(forKey: key) else { return nil }
        byteCount -= previous.footprint
        if let field = nodeNameField, let node = previous.fieldValues[field] {
            removeFromNodeIndex(node: node, key: key)
        }
        return previous
    }

    private mutating func removeFromNodeIndex(node: String, key: ObjectKey) {
        nodeNameIndex[node]?.remove(key)
        if nodeNameIndex[node]?.isEmpty == true { nodeNameIndex[node] = nil }
    }

    /// The objects in key order, starting at `start` (inclusive) when given, restricted to
    /// `namespace` when non-empty (one contiguous range of the key order).
    public func objects(namespace: String, from start: ObjectKey?) -> Objects {
        let lower: ObjectKey? = if namespace.isEmpty {
            start
        } else {
            max(start ?? ObjectKey(namespace: namespace, name: ""), ObjectKey(namespace: namespace, name: ""))
        }
        return Objects(
            iterator: PersistentSortedMap.Iterator(root: objects.root, from: lower), namespace: namespace)
    }

    /// A range of a store's objects in key order; holds the snapshot it came from.
    public struct Objects: Sequence, IteratorProtocol, Sendable {
        var iterator: PersistentSortedMap<ObjectKey, CachedObject>.Iterator
        let namespace: String

        public mutating func next() -> CachedObject? {
            guard let object = iterator.nextValue() else { return nil }
            if !namespace.isEmpty && object.key.namespace != namespace {
                iterator = PersistentSortedMap().makeIterator()
                return nil
            }
            return object
        }
    }

    /// Keys of the objects whose `spec.nodeName` is `node`, in key order; nil when the
    /// resource has no node-name index.
    public func keys(onNode node: String) -> [ObjectKey]? {
        guard nodeNameField != nil else { return nil }
        return (nodeNameIndex[node].map(Array.init) ?? []).sorted()
    }

    /// How many objects of the range (`namespace`, or all) sort at or after `key`.
    public func count(namespace: String, from key: ObjectKey) -> Int {
        if namespace.isEmpty { return objects.count - objects.rank(of: key) }
        // Every key of the namespace starts with "<namespace>/"; the first storage key past them
        // all is "<namespace>0", because "0" is the byte after "/".
        let end = ObjectKey(namespace: "", name: namespace + "0")
        let lower = max(key, ObjectKey(namespace: namespace, name: ""))
        return max(0, objects.rank(of: end) - objects.rank(of: lower))
    }
}
