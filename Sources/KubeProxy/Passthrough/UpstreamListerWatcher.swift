import KubeAPI
import KubeCache
import KubeUpstream

/// The reflector's view of the upstream for one resource: LIST pages and WATCH streams over
/// the libcurl client, with HTTP errors turned into `ListerWatcherError`s carrying the
/// upstream's `Status` and `Retry-After`.
struct UpstreamListerWatcher: ListerWatcher {
    let client: UpstreamClient
    let resource: APIResource
    /// Largest LIST page accepted (500 objects of up to 1.5 MB each fit).
    var maxPageBytes = 1 << 30
    /// A watch that delivers nothing for this long is considered dead (the API server sends a
    /// bookmark about every minute to watches that allow them).
    var watchIdleTimeout: Duration = .seconds(150)

    private var collectionPath: String {
        "\(resource.groupVersionResource.apiPath)/\(resource.groupVersionResource.resource)"
    }

    func list(_ request: ListerWatcherRequest) async throws -> ListPage {
        let upstreamRequest = UpstreamRequest(
            method: "GET", pathAndQuery: "\(collectionPath)?\(request.query)",
            headers: ["Accept": "application/json"], verb: "list")
        let response: UpstreamResponse
        do {
            response = try await client.send(upstreamRequest, maxBodyBytes: maxPageBytes)
        } catch let error as UpstreamError {
            throw ListerWatcherError.transport(error.description)
        }
        guard response.status == 200 else {
            throw ListerWatcherError.status(
                Self.status(code: response.status, body: response.body), retryAfter: response.retryAfter())
        }
        do {
            return try ListPage(body: response.body)
        } catch {
            throw ListerWatcherError.transport("undecodable LIST answer: \(error)")
        }
    }

    func watch(_ request: ListerWatcherRequest) async throws -> any AsyncSequence<[UInt8], any Error> {
        let query = "watch=true&" + request.query
        let upstreamRequest = UpstreamRequest(
            method: "GET", pathAndQuery: "\(collectionPath)?\(query)",
            headers: ["Accept": "application/json"], lowSpeedTimeout: watchIdleTimeout, verb: "watch")
        let stream: UpstreamStream
        do {
            stream = try await client.stream(upstreamRequest)
        } catch let error as UpstreamError {
            throw ListerWatcherError.transport(error.description)
        }
        guard stream.status == 200 else {
            var body: [UInt8] = []
            for try await chunk in stream where body.count < 1 << 20 { body += chunk }
            throw ListerWatcherError.status(
                Self.status(code: stream.status, body: body),
                retryAfter: stream.headers["Retry-After"].flatMap { RetryAfter.parse($0) })
        }
        return WatchLines(lines: stream.lines())
    }

    /// The upstream's `Status` body, or one made from the HTTP status when the body is not one.
    static func status(code: Int, body: [UInt8]) -> Status {
        if let status = Status.status(fromJSON: body), status.code == code { return status }
        let reason: StatusReason = switch code {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 410: .expired
        case 429: .tooManyRequests
        case 503: .serviceUnavailable
        case 504: .timeout
        default: .internalError
        }
        return Status(code: code, reason: reason, message: "upstream answered \(code)")
    }
}

/// Watch lines with transport errors turned into `ListerWatcherError`s.
struct WatchLines: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    typealias Failure = any Error
    let lines: UpstreamLines

    func makeAsyncIterator() -> Iterator { Iterator(base: lines.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var base: UpstreamLines.Iterator

        mutating func next() async throws -> [UInt8]? {
            do {
                return try await base.next()
            } catch let error as UpstreamError {
                throw ListerWatcherError.transport(error.description)
            }
        }
    }
}
