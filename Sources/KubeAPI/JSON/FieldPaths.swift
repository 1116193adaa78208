/// A set of dotted field paths (`spec.nodeName`, `status.phase`, `involvedObject.name`,
/// `type`), compiled once into a small trie so `ObjectJSON.fieldValues` can read all of them
/// in one pass over an object without allocating per path.
///
/// A path is split at every `.`; a single leading `.` is ignored, so the JSONPath form that
/// custom resources' `selectableFields` use (`.spec.color`) works as is. Keys that themselves
/// contain a dot cannot be addressed. The same path may appear twice; each occurrence gets
/// its own slot in the result. Immutable after `init`, so one instance can be shared by
/// every thread.
public struct FieldPaths: Hashable, Sendable {
    /// The paths as given, in result order.
    public let paths: [String]

    /// One trie node: the key that leads to it, the nodes below it, and the result slots of
    /// the paths that end at it. `nodes[0]` is the root (the object itself).
    struct Node: Hashable, Sendable {
        var segment: [UInt8]
        var children: [Int] = []
        var outputs: [Int] = []
    }

    private(set) var nodes: [Node]

    public init(_ paths: [String]) {
        self.paths = paths
        var nodes = [Node(segment: [])]
        for (output, path) in paths.enumerated() {
            var text = Substring(path)
            if text.hasPrefix(".") { text = text.dropFirst() }
            var current = 0
            for segment in text.split(separator: ".", omittingEmptySubsequences: false) {
                let bytes = Array(segment.utf8)
                if let existing = nodes[current].children.first(where: { nodes[$0].segment == bytes }) {
                    current = existing
                } else {
                    nodes.append(Node(segment: bytes))
                    nodes[current].children.append(nodes.count - 1)
                    current = nodes.count - 1
                }
            }
            nodes[current].outputs.append(output)
        }
        self.nodes = nodes
    }

    /// The child of `node` whose segment equals `key`, if any.
    func child(of node: Int, matching key: JSONScanner.StringToken, in scanner: JSONScanner) -> Int? {
        for child in nodes[node].children {
            let matches = nodes[child].segment.withUnsafeBufferPointer { scanner.equals(key, $0) }
            if matches { return child }
        }
        return nil
    }
}
