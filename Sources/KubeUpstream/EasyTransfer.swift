import CCurl
import Foundation

/// One libcurl easy handle and its callbacks, owned by the multi-loop thread.
///
/// Not Sendable: created, driven and closed on the loop thread only. libcurl's callbacks reach
/// it through an unretained pointer; `LoopDriver` keeps it alive until the handle has been
/// removed from the multi handle, and only then calls `close()`. Each callback forwards to the
/// `TransferChannel`, which is where the loop and the caller meet.
final class EasyTransfer {
    let channel: TransferChannel
    let request: PreparedRequest
    let handle: UnsafeMutableRawPointer
    let startedAt = ContinuousClock.now
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    /// CURLOPT_ERRORBUFFER: libcurl writes its detailed message here on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headParser: ResponseHeadParser
    private(set) var status: Int?
    private let statistics: LoopStatistics
    private var recordedThread = false

    init(request: PreparedRequest, channel: TransferChannel, statistics: LoopStatistics) throws(UpstreamError) {
        guard let handle = curl_easy_init() else { throw UpstreamError(.invalidRequest, "curl_easy_init failed") }
        self.handle = handle
        self.request = request
        self.channel = channel
        self.statistics = statistics
        self.headParser = ResponseHeadParser(maxBytes: request.maxHeaderBytes)
        self.errorBuffer = .allocate(capacity: ccurl_error_size)
        errorBuffer.initialize(repeating: 0, count: ccurl_error_size)
        do {
            try configure()
        } catch {
            close()
            throw error
        }
    }

    /// Frees the handle and what libcurl borrowed from us. The handle must no longer be in the
    /// multi handle.
    func close() {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        errorBuffer.deallocate()
    }

    /// curl's detailed message of the last failure, if any.
    var errorDetail: String { String(cString: errorBuffer) }

    private func configure() throws(UpstreamError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try set(CURLOPT_HTTP_VERSION, request.http2 ? ccurl_http_version_2tls : ccurl_http_version_1_1)
        // Over TLS, wait for the connection being set up to offer HTTP/2 rather than open
        // another. Never over plain http: that stays HTTP/1.1, so a transfer parked behind
        // a watch would wait for a connection that never frees up.
        if request.http2 && request.isHTTPS { try set(CURLOPT_PIPEWAIT, 1) }
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds)
        if let timeout = request.timeout { try set(CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds) }
        if let lowSpeed = request.lowSpeedTimeout {
            try set(CURLOPT_LOW_SPEED_LIMIT, 1)
            try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(lowSpeed.components.seconds)))
        }
        if let keepAlive = request.tcpKeepAlive {
            let seconds = max(1, Int(keepAlive.components.seconds))
            try set(CURLOPT_TCP_KEEPALIVE, 1)
            try set(CURLOPT_TCP_KEEPIDLE, seconds)
            try set(CURLOPT_TCP_KEEPINTVL, max(1, seconds / 3))
        }
        if let proxy = request.proxyURL { try set(CURLOPT_PROXY, proxy) }
        if let connectTo = request.connectTo {
            connectToList = curl_slist_append(nil, connectTo)
            try check(ccurl_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, connectToList), "CURLOPT_CONNECT_TO")
        }
        try configureTLS()
        try configureMethod()
        for line in request.headerLines { headerList = curl_slist_append(headerList, line) }
        try check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")

        try check(ccurl_easy_set_header_callback(handle, { buffer, size, count, context in
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: size * count))
        }, context), "CURLOPT_HEADERFUNCTION")
        try check(ccurl_easy_set_write_callback(handle, { buffer, size, count, context in
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
        }, context), "CURLOPT_WRITEFUNCTION")
        if request.hasBody {
            try check(ccurl_easy_set_read_callback(handle, { buffer, size, count, context in
                let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
                return transfer.sendBody(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
            }, context), "CURLOPT_READFUNCTION")
        }
    }

    private func configureMethod() throws(UpstreamError) {
        switch request.method {
        case "GET" where !request.hasBody:
            try set(CURLOPT_HTTPGET, 1)
        case "HEAD" where !request.hasBody:
            try set(CURLOPT_NOBODY, 1)
        default:
            if request.hasBody || request.method == "POST" {
                // POST with a read callback, renamed: libcurl's way to send a body with any method.
                try set(CURLOPT_POST, 1)
                let length = request.hasBody ? (request.contentLength ?? -1) : 0
                try check(ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(length)), "CURLOPT_POSTFIELDSIZE_LARGE")
            }
            if request.method != "POST" { try set(CURLOPT_CUSTOMREQUEST, request.method) }
        }
    }

    private func configureTLS() throws(UpstreamError) {
        let tls = request.tls
        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        switch tls.certificateAuthority {
        case .file(let path)?:
            try set(CURLOPT_CAINFO, path)
            try check(ccurl_easy_setopt_string(handle, CURLOPT_CAPATH, nil), "CURLOPT_CAPATH")
        case .data(let bytes)?:
            // Only the given CA is trusted, as client-go does: clear the built-in file and path.
            try check(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, nil), "CURLOPT_CAINFO")
            try check(ccurl_easy_setopt_string(handle, CURLOPT_CAPATH, nil), "CURLOPT_CAPATH")
            try setBlob(CURLOPT_CAINFO_BLOB, bytes)
        case nil:
            break
        }
        switch tls.clientCertificate {
        case .file(let path)?: try set(CURLOPT_SSLCERT, path)
        case .data(let bytes)?: try setBlob(CURLOPT_SSLCERT_BLOB, bytes)
        case nil: break
        }
        switch tls.clientKey {
        case .file(let path)?: try set(CURLOPT_SSLKEY, path)
        case .data(let bytes)?: try setBlob(CURLOPT_SSLKEY_BLOB, bytes)
        case nil: break
        }
        if tls.clientCertificate != nil {
            try set(CURLOPT_SSLCERTTYPE, "PEM")
            try set(CURLOPT_SSLKEYTYPE, "PEM")
        }
    }

    // MARK: Callbacks (loop thread, inside curl_multi_perform or curl_easy_pause)

    private func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        noteThread()
        switch headParser.consume(line) {
        case .needMore:
            return line.count
        case .complete(let head):
            status = head.status
            channel.deliverHead(head)
            return line.count
        case .tooLarge:
            channel.recordFailure(UpstreamError(.tooLarge, "response header exceeds \(request.maxHeaderBytes) bytes"))
            return 0
        case .malformed(let problem):
            channel.recordFailure(UpstreamError(.transport, "malformed response header: \(problem)"))
            return 0
        }
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        noteThread()
        switch channel.offerBody(bytes) {
        case .accepted: return bytes.count
        case .pause: return ccurl_writefunc_pause
        case .abort: return 0
        }
    }

    private func sendBody(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        noteThread()
        switch channel.readUpload(into: buffer) {
        case .bytes(let count): return count
        case .end: return 0
        case .pause:
            statistics.recordUploadPause()
            return ccurl_readfunc_pause
        case .abort: return ccurl_readfunc_abort
        }
    }

    /// Records, once per transfer, which thread runs its callbacks (tests assert it is one).
    private func noteThread() {
        guard !recordedThread else { return }
        recordedThread = true
        statistics.recordCallbackThread()
    }

    // MARK: Option helpers

    private func set(_ option: CURLoption, _ value: Int) throws(UpstreamError) {
        try check(ccurl_easy_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(UpstreamError) {
        try check(ccurl_easy_setopt_string(handle, option, value), option)
    }

    private func setBlob(_ option: CURLoption, _ bytes: [UInt8]) throws(UpstreamError) {
        let code = bytes.withUnsafeBytes { ccurl_easy_setopt_blob(handle, option, $0.baseAddress, $0.count) }
        try check(code, option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(UpstreamError) {
        try check(code, "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(UpstreamError) {
        guard code != CURLE_OK else { return }
        throw UpstreamError(.invalidRequest, "libcurl refused \(what): \(String(cString: curl_easy_strerror(code)))",
                            curlCode: Int(code.rawValue))
    }
}
