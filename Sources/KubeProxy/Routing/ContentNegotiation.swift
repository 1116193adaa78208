import KubeCache

/// Reads a request's `Accept` header to decide whether the cache can answer it: the cache
/// speaks JSON, whole objects or `PartialObjectMetadata`.
///
/// Clauses are taken in the client's order, as the API server takes them. Protobuf clauses are
/// passed over: typed client-go clients list protobuf first but accept JSON and decode by the
/// response's `Content-Type`, so they are served JSON from the cache. A Table clause (kubectl's
/// human output) means the client wants what only the upstream renders: nil, go upstream. So
/// does an `Accept` with nothing the cache produces.
enum ContentNegotiation {
    /// The format to answer in, or nil when the request should go upstream.
    static func format(accept: String?) -> ObjectFormat? {
        guard let accept, !accept.isEmpty else { return .full }
        for clause in accept.split(separator: ",") {
            let parts = clause.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard let mediaType = parts.first?.lowercased() else { continue }
            var parameters: [String: String] = [:]
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { parameters[String(pair[0]).lowercased()] = String(pair[1]) }
            }
            let kind = parameters["as"]
            if kind == "Table" { return nil }
            guard mediaType == "application/json" || mediaType == "*/*" || mediaType == "application/*" else { continue }
            guard let kind else { return .full }
            if parameters["g"] == "meta.k8s.io", parameters["v"] == "v1",
               kind == "PartialObjectMetadata" || kind == "PartialObjectMetadataList" {
                return .partialMetadata
            }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
