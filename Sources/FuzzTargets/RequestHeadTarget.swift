import KubeProxy
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// `RequestHead.frame` — how kcache's cached-read fast path frames the bytes a connection
/// receives — against NIO's HTTP/1.1 request decoder, which reads every request the fast path
/// passes on. Input: the bytes a connection received.
///
/// Invariants, beyond "no trap":
/// - `.head`: NIO's decoder, given the head's bytes, decodes a head with the same method,
///   target, version and headers (names and values, in order), without an error; the length
///   lies within the input; a `Content-Length` is what NIO would read from the same header.
/// - `.incomplete`: NIO's decoder, given the same bytes, decodes no head either (the fast path
///   never waits for a head NIO would already have read).
/// - Framing resumed where an earlier call on the first half stopped (`searchFrom`) gives
///   what framing the whole input at once gives (bytes arriving in two reads).
enum RequestHeadTarget {
    static func run(_ bytes: [UInt8]) throws(InvariantViolation) {
        let framing = bytes.withUnsafeBytes { RequestHead.frame($0) }
        try checkResumed(bytes, against: framing)
        switch framing {
        case .unsupported:
            return
        case .incomplete:
            if case .head(let decoded)? = decode(bytes) {
                throw InvariantViolation("NIO decoded a head (\(decoded.method) \(decoded.uri)) from bytes framed as incomplete")
            }
        case .head(let head):
            guard head.length > 0, head.length <= bytes.count else {
                throw InvariantViolation("head length \(head.length) outside the input of \(bytes.count) bytes")
            }
            guard let outcome = decode(Array(bytes[..<head.length])) else {
                throw InvariantViolation("NIO's decoder failed on a head the fast path accepted")
            }
            guard case .head(let decoded) = outcome else {
                throw InvariantViolation("NIO's decoder decoded no head from a head the fast path accepted")
            }
            guard decoded.method.rawValue == head.method, decoded.uri == head.target,
                  decoded.version == (head.isHTTP11 ? .http1_1 : .http1_0)
            else {
                throw InvariantViolation(
                    "request line: NIO \(decoded.method) \(decoded.uri) \(decoded.version), fast path \(head.method) \(head.target)")
            }
            let names = decoded.headers.map(\.name), values = decoded.headers.map(\.value)
            guard names == head.headers.map(\.name), values == head.headers.map(\.value) else {
                throw InvariantViolation("headers: NIO \(Array(zip(names, values))), fast path \(head.headers)")
            }
            if let length = head.contentLength, decoded.headers.first(name: "content-length").flatMap(Int.init) != length {
                throw InvariantViolation("Content-Length \(length) is not NIO's \(decoded.headers["content-length"])")
            }
        }
    }

    /// Frames the first half, then (when it is incomplete) the whole input resuming from there.
    private static func checkResumed(_ bytes: [UInt8], against whole: RequestHead.Framing) throws(InvariantViolation) {
        let half = bytes.count / 2
        let first = bytes[..<half].withUnsafeBytes { RequestHead.frame($0) }
        guard case .incomplete = first else { return }
        let resumed = bytes.withUnsafeBytes { RequestHead.frame($0, searchFrom: half) }
        switch (resumed, whole) {
        case (.incomplete, .incomplete), (.unsupported, .unsupported):
            return
        case (.head(let a), .head(let b)) where a.length == b.length:
            return
        default:
            throw InvariantViolation("framing resumed at \(half) gives \(resumed), at once \(whole)")
        }
    }

    private enum Decoded {
        case head(HTTPRequestHead)
        case nothing
    }

    /// What NIO's request decoder reads from `bytes`: a head, nothing yet, or nil for an error.
    private static func decode(_ bytes: [UInt8]) -> Decoded? {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        do {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
            guard case .head(let head)? = try channel.readInbound(as: HTTPServerRequestPart.self) else { return .nothing }
            return .head(head)
        } catch {
            return nil
        }
    }
}
