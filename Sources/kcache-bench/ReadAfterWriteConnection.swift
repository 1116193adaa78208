#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One kept-alive HTTP/1.1 connection to 127.0.0.1, driven with blocking socket calls from
/// the benchmark's own thread.
///
/// The read-after-write benchmark measures single requests of a few hundred microseconds;
/// a fresh TCP connection per request, or a client sharing Swift's cooperative pool with the
/// servers under test, would add more noise than the differences measured. Not thread-safe:
/// one connection per target, used by one thread. Understands the answers kcache and KubeSim
/// give: `Content-Length` or chunked bodies.
final class ReadAfterWriteConnection {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private var socket: Int32 = -1
    /// Bytes received and not yet consumed.
    private var buffer: [UInt8] = []
    private var readIndex = 0

    init(port: Int) throws {
        self.port = port
        try connect()
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    private func connect() throws {
        if socket >= 0 { close(socket) }
        #if canImport(Glibc)
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard result == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port) failed: \(errno)") }
        buffer = []
        readIndex = 0
    }

    /// Sends one request and reads the whole answer. Reconnects once if the server had closed
    /// the kept-alive connection.
    func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> Response {
        do {
            return try exchange(method, target, headers: headers, body: body)
        } catch is ConnectionClosed {
            try connect()
            return try exchange(method, target, headers: headers, body: body)
        }
    }

    private struct ConnectionClosed: Error {}

    private func exchange(_ method: String, _ target: String, headers: [(String, String)], body: [UInt8]) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try send(Array(head.utf8) + body)

        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line: \(statusLine)") }
        var responseHeaders: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            responseHeaders.append((String(line[..<colon]), String(value)))
        }
        let response = Response(status: status, headers: responseHeaders, body: [])
        var bodyBytes: [UInt8] = []
        if let length = response.header("Content-Length").flatMap(Int.init) {
            bodyBytes = try readExactly(length)
        } else if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw Failure(description: "bad chunk size: \(sizeLine)")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                bodyBytes += try readExactly(size)
                _ = try readLine()
            }
        }
        if response.header("Connection")?.lowercased() == "close" {
            try connect()
        }
        return Response(status: status, headers: responseHeaders, body: bodyBytes)
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            if written <= 0 {
                if offset == 0 { throw ConnectionClosed() }
                throw Failure(description: "write failed: \(errno)")
            }
            offset += written
        }
    }

    /// Reads more bytes into the buffer; throws `ConnectionClosed` at end of stream.
    private func fill() throws {
        if readIndex > 0 && readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
        if count <= 0 { throw ConnectionClosed() }
        buffer += chunk[0..<count]
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer[readIndex...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[readIndex..<end]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                readIndex = end + 1
                return String(decoding: line, as: UTF8.self)
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count - readIndex < count { try fill() }
        let bytes = Array(buffer[readIndex..<readIndex + count])
        readIndex += count
        return bytes
    }
}
