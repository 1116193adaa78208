import Foundation

/// A complete HTTP response as a test sees it: status, headers in order, body bytes.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    /// Headers as received (names as sent by the server).
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0.lowercased() == lowered }?.1
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed with `JSONSerialization` (nil when it is not JSON).
    public var json: Any? {
        try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
    }

    /// The body as a JSON object, or an empty dictionary.
    public var object: [String: Any] {
        json as? [String: Any] ?? [:]
    }
}
