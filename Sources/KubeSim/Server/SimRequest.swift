import Foundation

/// One HTTP request as KubeSim's handlers see it: method, path, decoded query, headers and
/// the whole body (bounded by the server before it gets here). Value type.
struct SimRequest: Sendable {
    var method: String
    var uri: String
    var path: String
    /// Query parameters in order, percent- and `+`-decoded as Go's `url.ParseQuery` does.
    var query: [(String, String)]
    /// Header names lowercased.
    var headers: [(String, String)]
    var body: [UInt8]

    init(method: String, uri: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.uri = uri
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = SimRequest.percentDecode(String(parts.first ?? ""), plusIsSpace: false)
        query = []
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&", omittingEmptySubsequences: true) {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = SimRequest.percentDecode(String(kv[0]), plusIsSpace: true)
                let value = kv.count > 1 ? SimRequest.percentDecode(String(kv[1]), plusIsSpace: true) : ""
                query.append((key, value))
            }
        }
    }

    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0 == lowered }?.1
    }

    /// The first value of query parameter `name`, nil when absent.
    func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }

    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        guard text.contains("%") || (plusIsSpace && text.contains("+")) else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
