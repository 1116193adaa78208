import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain blocking TCP connection to 127.0.0.1, for what well-behaved HTTP clients never do:
/// heads that never end, bodies that stop, more bytes than a server accepts. Reads time out
/// after `readTimeout`. Writes never raise SIGPIPE. Used by one task at a time.
struct RawSocket: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let descriptor: Int32

    init(port: Int, receiveBufferBytes: Int? = nil) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket(): errno \(errno)") }
        if let receiveBufferBytes {
            var size = Int32(receiveBufferBytes)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect(): errno \(code)")
        }
        descriptor = fd
    }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send(): errno \(errno)") }
            offset += sent
        }
    }

    /// Sends what it can of `bytes` without waiting; false when the connection is gone.
    func trySend(_ bytes: [UInt8]) -> Bool {
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        return sent >= 0 || errno == EAGAIN || errno == EWOULDBLOCK
    }

    /// Whether the server has closed the connection (end of stream or reset), without reading.
    var isClosedByPeer: Bool {
        var byte: UInt8 = 0
        let received = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if received == 0 { return true }
        if received < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
        return false
    }

    /// Whether bytes are waiting to be read, within `milliseconds`.
    func isReadable(withinMilliseconds milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// Reads one HTTP/1.1 response with a `Content-Length` body (or up to the close), waiting
    /// at most `timeoutMilliseconds` for each piece.
    func readResponse(timeoutMilliseconds: Int32 = 60_000) throws -> (status: Int, headers: [String: String], body: [UInt8]) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        func readMore() throws -> Bool {
            guard isReadable(withinMilliseconds: timeoutMilliseconds) else { throw Failure(description: "no response within \(timeoutMilliseconds) ms") }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            data += buffer[..<count]
            return true
        }
        while data.firstRange(of: separator) == nil {
            guard try readMore() else { throw Failure(description: "closed before a response head: \(String(decoding: data, as: UTF8.self))") }
        }
        let headEnd = data.firstRange(of: separator)!
        let head = String(decoding: data[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        let status = statusParts.count > 1 ? Int(statusParts[1]) ?? 0 : 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[headEnd.upperBound...])
        let length = headers["content-length"].flatMap(Int.init)
        while length.map({ body.count < $0 }) ?? true {
            let before = data.count
            guard (try? readMore()) == true else { break }
            body += data[before...]
        }
        return (status, headers, body)
    }

    /// Reads until the end of the stream (or a reset); what arrived.
    func readAll(timeoutMilliseconds: Int32 = 60_000) -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while isReadable(withinMilliseconds: timeoutMilliseconds) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            data += buffer[..<count]
        }
        return data
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// Raises this process's open-file limit to at least `needed` (up to the hard limit); returns
/// the soft limit in force.
@discardableResult
func raiseOpenFileLimit(to needed: Int) -> Int {
    var limit = rlimit()
    getrlimit(RLIMIT_NOFILE_VALUE, &limit)
    if limit.rlim_cur < rlim_t(needed) {
        limit.rlim_cur = min(rlim_t(needed), limit.rlim_max)
        setrlimit(RLIMIT_NOFILE_VALUE, &limit)
        getrlimit(RLIMIT_NOFILE_VALUE, &limit)
    }
    return Int(limit.rlim_cur)
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif

/// Open file descriptors of this process now.
func openFileDescriptors() -> Int {
    #if os(Linux)
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while readdir(directory) != nil { count += 1 }
    return count - 2
    #else
    return -1
    #endif
}
