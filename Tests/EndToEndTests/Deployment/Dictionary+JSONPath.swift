/// Walking `JSONSerialization` values by key path: `object.mapping("spec", "template", "spec")`.
extension Dictionary where Key == String, Value == Any {
    func value(_ path: String...) -> Any? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }

    func mapping(_ path: String...) -> [String: Any] {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [String: Any] ?? [:]
    }

    func list(_ path: String...) -> [[String: Any]] {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [[String: Any]] ?? []
    }

    func string(_ path: String...) -> String? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? String
    }

    func strings(_ path: String...) -> [String] {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? [String] ?? []
    }
}
