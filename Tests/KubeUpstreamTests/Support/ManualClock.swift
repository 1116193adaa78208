import Foundation
import Synchronization

/// A wall clock that moves only when told, for credential expiry and token re-reads.
final class ManualClock: Sendable {
    /// The current time; guarded by the mutex.
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_893_456_000)) {  // 2030-01-01T00:00:00Z
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }

    var function: @Sendable () -> Date { { self.now } }
}
