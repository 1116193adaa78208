import Foundation
import Logging
import Metrics
import Synchronization

/// The upstream API server client: plain requests and streaming responses over libcurl.
///
/// One `CurlMultiLoop` thread drives every transfer (HTTP/2 multiplexing where the server
/// offers it, connection reuse otherwise); callers on any task use `send` and `stream`.
/// kcache's credential is added to every request (see `UpstreamRequest` for overrides); after
/// a 401 a refreshable credential (token file, exec plugin) is refreshed and a replayable
/// request retried once. Statuses are never errors here; `UpstreamError` is for transport
/// failures. `shutdown()` (or releasing the client) aborts every transfer.
public final class UpstreamClient: Sendable {
    public let cluster: ClusterConfiguration
    public let configuration: Configuration
    private let loop: CurlMultiLoop
    private let credentials: CredentialProvider
    private let endpoint: Endpoint
    private let logger: Logger
    /// Response bytes buffered across all streams, guarded by atomicity.
    private let gauge = ByteGauge()
    /// The next transfer id, guarded by atomicity.
    private let nextID = Atomic<UInt64>(1)

    public init(cluster: ClusterConfiguration, configuration: Configuration = Configuration(), logger: Logger) throws {
        self.cluster = cluster
        self.configuration = configuration
        self.logger = logger
        self.endpoint = try Endpoint(server: cluster.server, tlsServerName: cluster.tls.serverName)
        let metrics = UpstreamMetrics(factory: configuration.metricsFactory ?? MetricsSystem.factory)
        self.credentials = CredentialProvider(
            source: cluster.credentials, rereadInterval: configuration.tokenFileRereadInterval,
            now: configuration.now,
            runner: ExecPluginRunner(baseEnvironment: configuration.environment, timeout: configuration.execTimeout),
            logger: logger)
        self.loop = try CurlMultiLoop(logger: logger, metrics: metrics, maxConcurrentStreams: configuration.maxConcurrentStreams)
        logger.info("upstream client started", metadata: [
            "server": "\(cluster.server)", "from": "\(cluster.origin)", "credentials": "\(cluster.credentials)",
            "ca": "\(cluster.tls.certificateAuthority.map(String.init(describing:)) ?? "system")",
            "client_certificate": "\(cluster.tls.clientCertificate.map(String.init(describing:)) ?? "none")",
            "insecure_skip_tls_verify": "\(cluster.tls.insecureSkipVerify)",
        ])
    }

    deinit {
        loop.shutdown()
    }

    /// Stops the multi loop; every transfer in flight fails with `.shutdown`. Idempotent.
    public func shutdown() {
        loop.shutdown()
    }

    /// Sends `request` and collects the whole response body, which must not exceed
    /// `maxBodyBytes` (else `.tooLarge`, and the transfer is aborted).
    public func send(_ request: UpstreamRequest, maxBodyBytes: Int = 64 << 20) async throws -> UpstreamResponse {
        let stream = try await stream(request)
        var body: [UInt8] = []
        if let length = stream.headers["Content-Length"].flatMap(Int.init), length <= maxBodyBytes {
            body.reserveCapacity(length)
        }
        for try await chunk in stream {
            guard body.count + chunk.count <= maxBodyBytes else {
                stream.cancel()
                throw UpstreamError(.tooLarge, "response body exceeds \(maxBodyBytes) bytes")
            }
            body += chunk
        }
        return UpstreamResponse(status: stream.status, headers: stream.headers, body: body)
    }

    /// Starts `request` and returns once the response head has arrived; the body follows as
    /// the stream is iterated, with back-pressure into libcurl. Cancelling the calling task
    /// before the head arrives aborts the transfer.
    public func stream(_ request: UpstreamRequest) async throws -> UpstreamStream {
        var retried = false
        while true {
            let credential = try await credential(for: request)
            let channel = start(request, credential: credential)
            let head = try await channel.head()
            if head.status == 401, !retried, request.bearerTokenOverride == nil,
               request.body?.isReplayable ?? true, await credentials.refresh(after: credential) {
                channel.cancel()
                retried = true
                logger.debug("retrying the request with the refreshed credential", metadata: ["path": "\(request.pathAndQuery)"])
                continue
            }
            return UpstreamStream(head: head, channel: channel)
        }
    }

    /// Response bytes currently buffered between libcurl and all readers.
    public var bufferedBodyBytes: Int { gauge.value }

    /// Threads that have run libcurl callbacks for this client (one, the loop thread).
    var callbackThreadCount: Int { loop.statistics.callbackThreadCount }
    var loopThreadsStarted: Int { loop.statistics.loopThreadsStarted }
    var uploadPauseCount: Int { loop.statistics.uploadPauseCount }

    private func credential(for request: UpstreamRequest) async throws -> Credential {
        if let token = request.bearerTokenOverride {
            return Credential(authorization: SecretString("Bearer \(token.value)"), generation: 0)
        }
        return try await credentials.current()
    }

    private func start(_ request: UpstreamRequest, credential: Credential) -> TransferChannel {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let high = max(1, configuration.streamBufferBytes)
        let limits = TransferChannel.Limits(
            highWater: high, lowWater: high / 4,
            uploadHighWater: max(1, configuration.uploadBufferBytes), uploadLowWater: configuration.uploadBufferBytes / 4)
        let loop = loop
        let channel = TransferChannel(id: id, limits: limits, gauge: gauge) { loop.submit($0) }
        var tls = cluster.tls
        if request.bearerTokenOverride != nil {
            // The client's token must decide who it is: the API server checks a client
            // certificate before tokens, so kcache's own certificate is not presented.
            tls.clientCertificate = nil
            tls.clientKey = nil
        } else if let certificate = credential.clientCertificate, let key = credential.clientKey {
            tls.clientCertificate = .data(certificate)
            tls.clientKey = .data(key.bytes)
        }
        let prepared = PreparedRequest(
            url: endpoint.url(for: request.pathAndQuery), method: request.method.uppercased(),
            target: request.pathAndQuery, verb: request.verb ?? request.method.lowercased(),
            headerLines: headerLines(request, credential: credential),
            hasBody: request.body != nil, contentLength: request.body?.contentLength, tls: tls,
            connectTo: endpoint.connectTo, proxyURL: cluster.proxyURL,
            connectTimeout: configuration.connectTimeout, timeout: request.timeout,
            lowSpeedTimeout: request.lowSpeedTimeout, http2: configuration.http2,
            tcpKeepAlive: configuration.tcpKeepAlive, maxHeaderBytes: configuration.maxHeaderBytes)
        switch request.body?.storage {
        case .bytes(let bytes)?:
            channel.prepareUpload(bytes: bytes, declaredLength: bytes.count)
        case .stream(let length, let produce)?:
            channel.prepareUpload(bytes: nil, declaredLength: length)
            let writer = RequestBodyWriter(channel: channel)
            channel.attachProducer(Task {
                do {
                    try await produce(writer)
                    channel.finishUpload(error: nil)
                } catch {
                    channel.finishUpload(error: error)
                }
            })
        case nil:
            break
        }
        if !loop.submit(.start(prepared, channel)) {
            channel.complete(UpstreamError(.shutdown, "the upstream client was shut down"))
        }
        return channel
    }

    /// The request's header lines for libcurl: the caller's (minus framing headers, which the
    /// body decides), the credential's `Authorization`, and empty overrides that stop libcurl
    /// adding `Accept`, `Expect` and a form `Content-Type` of its own. Fields whose name or
    /// value could break the header block (CR, LF, a colon in the name) are dropped.
    private func headerLines(_ request: UpstreamRequest, credential: Credential) -> [String] {
        var headers = request.headers
        headers.remove(name: "Content-Length")
        headers.remove(name: "Transfer-Encoding")
        if let authorization = credential.authorization {
            headers.replace(name: "Authorization", value: authorization.value)
        }
        if !headers.contains("User-Agent") { headers.append(name: "User-Agent", value: configuration.userAgent) }
        var lines: [String] = []
        for field in headers where Self.isSafe(field) {
            // libcurl reads "Name:" as "remove this header" and "Name;" as "send it empty".
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if !headers.contains("Accept") { lines.append("Accept:") }
        if !headers.contains("Expect") { lines.append("Expect:") }
        if request.body != nil, !headers.contains("Content-Type") { lines.append("Content-Type:") }
        return lines
    }

    private static func isSafe(_ field: HeaderFields.Field) -> Bool {
        !field.name.isEmpty
            && !field.name.utf8.contains { $0 == UInt8(ascii: ":") || $0 <= 32 || $0 == 127 }
            && !field.value.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
    }
}
