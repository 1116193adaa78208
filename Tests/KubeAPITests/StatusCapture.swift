import KubeAPI
import Testing

/// Runs `body` and returns the `Status` it threw, or nil when it returned normally, so tests can
/// compare the whole error (code, reason, message, details) with `==`.
func capture<T>(_ body: () throws -> T) -> Status? {
    do {
        _ = try body()
        return nil
    } catch let status as Status {
        return status
    } catch {
        Issue.record("threw \(error), not a Status")
        return nil
    }
}

/// A `400 BadRequest` with `message` and no details, as the API server's `NewBadRequest`.
func badRequest(_ message: String) -> Status {
    Status(code: 400, reason: .badRequest, message: message)
}
