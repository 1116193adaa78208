import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

extension TestHTTPClient {
    /// Opens a watch (any streaming GET) and returns once the response head has arrived; the
    /// body is read in the background into the returned stream.
    public func watch(_ url: String, headers: [(String, String)] = []) async throws -> WatchStream {
        let target = try TestHTTPClient.parse(url)
        let connection = try await connect(target)
        let channel = connection.channel
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<WatchStream, any Error>) in
            let resumed = Mutex(false)
            @Sendable func resume(_ result: Result<WatchStream, any Error>) {
                let first = resumed.withLock { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            Task {
                var stream: WatchStream?
                do {
                    try await connection.executeThenClose { inbound, outbound in
                        try await outbound.write(contentsOf: [
                            .head(TestHTTPClient.head("GET", target, headers: headers, bodyLength: nil, close: false)), .end(nil),
                        ])
                        for try await part in inbound {
                            switch part {
                            case .head(let head):
                                let opened = WatchStream(
                                    status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, channel: channel)
                                stream = opened
                                resume(.success(opened))
                            case .body(let buffer):
                                stream?.received(buffer.readableBytesView)
                            case .end:
                                stream?.ended(.completed)
                                return
                            }
                        }
                    }
                    stream?.ended(.closed)
                } catch {
                    stream?.ended(.closed)
                    resume(.failure(error))
                }
                if stream == nil { resume(.failure(ClientError.closedBeforeResponse)) }
            }
        }
    }

    /// Opens a watch over a raw socket with a small receive buffer and never reads from it:
    /// a slow watcher whose TCP window fills, for back-pressure tests. Close it with `close()`.
    public func stalledWatch(_ url: String, receiveBufferSize: Int = 4096) async throws -> StalledConnection {
        let target = try TestHTTPClient.parse(url)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize))
            .channelOption(.autoRead, value: false)
            .connect(host: target.host, port: target.port).get()
        let request = "GET \(target.target) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\n\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return StalledConnection(channel: channel)
    }
}

/// A connection that sent a request and never reads the answer (see `stalledWatch`).
public struct StalledConnection: Sendable {
    let channel: any Channel

    public var isOpen: Bool { channel.isActive }

    public func close() async {
        try? await channel.close()
    }
}
